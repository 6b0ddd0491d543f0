using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Notifications;

namespace ModelRegistry.Dashboard.Components.Pages.Notifications;

/// <summary>
/// Admin → Notifications: add a channel (webhook or Slack, its filters, an optional signing secret), send it a test
/// event, see each channel's last delivery and read its delivery log live (attempts, last answer, next try) and retry a dead delivery.
/// </summary>
public sealed partial class NotificationsPage
{
    private static readonly Dictionary<string, string> Fields = new()
    {
        ["name"] = "Name", ["url"] = "URL", ["secret"] = "Signing secret", ["models"] = "Only models", ["environments"] = "Only environments", ["events"] = "Events",
    };

    private readonly FieldErrors _errors = new();
    private IReadOnlyList<ChannelInfo>? _channels;
    private IReadOnlyList<DeliveryInfo>? _deliveries;
    private IReadOnlyDictionary<long, DeliveryInfo> _last = new Dictionary<long, DeliveryInfo>();
    private ChannelInfo? _selected;
    private string? _forbidden;
    private bool _saving;
    private string? _name;
    private ChannelKind _kind = ChannelKind.Webhook;
    private string? _url;
    private string? _secret;
    private string? _models;
    private string? _environments;
    private string? _minSeverity;
    private IReadOnlyCollection<string> _events = [];

    [Inject]
    public required ChannelService Channels { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await LoadAsync();
    }

    protected override bool IsRelevant(Change change) => change.Kind == ChangeKind.NotificationChanged;

    protected override Task OnChangesAsync(IReadOnlyList<Change> changes) => LoadAsync();

    /// <summary>A channel's scopes beyond its event types: models, environments, the least alert severity.</summary>
    private static List<string> Scopes(ChannelInfo channel)
    {
        var parts = new List<string>();
        if (channel.Models.Count > 0)
        {
            parts.Add("models " + string.Join(", ", channel.Models));
        }

        if (channel.Environments.Count > 0)
        {
            parts.Add("in " + string.Join(", ", channel.Environments));
        }

        if (channel.MinSeverity is { } severity)
        {
            parts.Add($"alerts from {severity.ToString().ToLowerInvariant()}");
        }

        return parts;
    }

    private static string Answer(DeliveryInfo delivery) =>
        delivery.LastError ?? (delivery.LastStatusCode is { } code ? $"HTTP {code}" : "—");

    private static List<string>? List(string? text) =>
        text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } names ? [.. names] : null;

    private async Task LoadAsync()
    {
        try
        {
            var actor = await CurrentActor.GetAsync();
            _channels = await Channels.ListAsync(actor);
            _last = await Channels.LastDeliveriesAsync(actor);
            _selected = _selected is null ? null : _channels.FirstOrDefault(c => c.Id == _selected.Id);
            _deliveries = _selected is null ? null : await Channels.DeliveriesAsync(actor, _selected.Id);
        }
        catch (ForbiddenException)
        {
            _forbidden = "Only an Admin can see and manage notification channels.";
        }
    }

    private Task AddAsync() => SaveAsync(async actor =>
    {
        var created = await Channels.CreateAsync(actor, new ChannelRequest(
            _name, _kind.ToString(), _url, string.IsNullOrEmpty(_secret) ? null : _secret, _events.Count > 0 ? [.. _events] : null, List(_models), List(_environments), _minSeverity));
        _name = _url = _secret = _models = _environments = _minSeverity = null;
        _events = [];
        _selected = created;
    });

    private Task TestAsync(ChannelInfo channel) => SaveAsync(async actor =>
    {
        await Channels.SendTestAsync(actor, channel.Id);
        _selected = channel;
    });

    private async Task ShowLogAsync(ChannelInfo channel)
    {
        _selected = channel;
        await LoadAsync();
    }

    private Task DeleteAsync(ChannelInfo channel) => SaveAsync(async actor =>
    {
        await Channels.DeleteAsync(actor, channel.Id);
        _selected = _selected?.Id == channel.Id ? null : _selected;
    });

    private Task RetryAsync(DeliveryInfo delivery) => SaveAsync(actor => Channels.RetryAsync(actor, _selected!.Id, delivery.Id));

    private async Task SaveAsync(Func<Actor, Task> change)
    {
        _saving = true;
        _errors.Clear();
        try
        {
            await change(await CurrentActor.GetAsync());
        }
        catch (OperationException refused)
        {
            _errors.Capture(refused, Fields);
        }
        finally
        {
            _saving = false;
        }

        await LoadAsync();
    }
}
