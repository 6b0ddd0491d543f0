using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ModelRegistry.Dashboard.Notifications;

/// <summary>
/// The notification client's resilience pipeline (Polly, through <c>Microsoft.Extensions.Http.Resilience</c>): each
/// attempt bounded by <c>Notifications:AttemptTimeoutSeconds</c>; a failed one (no answer, a timeout, any status but
/// 2xx — a redirect included, which is never followed) tried again after an exponentially growing, jittered delay from
/// <c>FirstRetryDelaySeconds</c> up to <c>MaxRetryDelaySeconds</c> (a receiver's <c>Retry-After</c> wins), until the
/// delivery has had <c>MaxAttempts</c>. The delivery being sent rides on the request (<see cref="DeliveryRound"/>): it
/// says how many attempts came before (a restart resumes the count) and records every failed attempt with the delay
/// Polly chose, so the log shows each attempt and the stored next try survives a crash.
/// </summary>
public static class DeliveryPipeline
{
    public const string Name = "delivery";

    private static readonly HttpRequestOptionsKey<DeliveryRound> RoundKey = new("ModelRegistry.Dashboard.Notifications.DeliveryRound");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, NotificationOptions settings)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(settings);
        pipeline
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxAttempts, // the round's own limit is in ShouldHandle: attempts before it count
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(settings.FirstRetryDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds),
                ShouldHandle = args => ValueTask.FromResult(
                    Failed(args.Outcome) && RoundOf(args.Context) is { } round && round.AttemptsBefore + args.AttemptNumber + 1 < settings.MaxAttempts),
                OnRetry = args => RoundOf(args.Context) is { } round
                    ? round.FailedAsync(args.Outcome.Result is { } response ? (int)response.StatusCode : null, Describe(args.Outcome.Exception, settings), args.RetryDelay)
                    : ValueTask.CompletedTask,
            })
            .AddTimeout(TimeSpan.FromSeconds(settings.AttemptTimeoutSeconds));
    }

    /// <summary>Sends <paramref name="request"/> as part of <paramref name="round"/>.</summary>
    public static HttpRequestMessage For(this HttpRequestMessage request, DeliveryRound round)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(RoundKey, round);
        return request;
    }

    /// <summary>What the log says of an attempt that threw.</summary>
    public static string? Describe(Exception? exception, NotificationOptions settings) => exception switch
    {
        null => null,
        TimeoutRejectedException => $"no answer within {settings.AttemptTimeoutSeconds} s",
        HttpRequestException { InnerException: Registry.EndpointRefusedException refused } => "not dialled: " + refused.Message,
        _ => exception.Message,
    };

    private static bool Failed(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || outcome.Result is { IsSuccessStatusCode: false };

    private static DeliveryRound? RoundOf(ResilienceContext context) =>
        context.GetRequestMessage() is { } request && request.Options.TryGetValue(RoundKey, out var round) ? round : null;
}

/// <summary>One delivery's pass through the pipeline: the attempts it had before, and where each failed one is recorded.</summary>
/// <param name="FailedAsync">Records a failed attempt (status or error) and the delay before the next one.</param>
public sealed record DeliveryRound(int AttemptsBefore, Func<int?, string?, TimeSpan, ValueTask> FailedAsync);
