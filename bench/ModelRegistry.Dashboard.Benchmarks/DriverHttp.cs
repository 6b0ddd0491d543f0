using System.Net;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>What the load drivers need of the app over HTTP before they measure anything.</summary>
internal static class DriverHttp
{
    /// <summary>Polls <c>/healthz</c> every 100 ms until the app answers, for at most 5 s.</summary>
    public static async Task WaitUntilServingAsync(HttpClient client)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var health = await client.GetAsync("/healthz");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (attempt < 50)
            {
            }

            if (attempt >= 50)
            {
                throw new InvalidOperationException("The app did not answer /healthz within 5 s.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops a run whose setup call did not answer as expected, saying what it answered instead.</summary>
    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
