using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Demo;

/// <summary><c>Demo:*</c>: a believable catalogue for a first run. Off in <c>appsettings.json</c>, on in Development.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    /// <summary>Base URL the seeded versions' endpoints point at.</summary>
    [Required]
    [Url(ErrorMessage = "Demo:BackendBaseUrl must be an absolute http(s) URL.")]
    public string BackendBaseUrl { get; set; } = "http://localhost:5180/demo-backends";
}
