using System.ComponentModel.DataAnnotations;

namespace AfmServing.Core.Models;

/// <summary>Where models live and how they are reloaded (configuration section <c>Models</c>).</summary>
public sealed class ModelsOptions
{
    public const string SectionName = "Models";

    /// <summary>Directory of <c>&lt;name&gt;/&lt;version&gt;/</c> model directories; relative paths start at the app directory. Default <c>models</c>.</summary>
    [Required]
    public string Root { get; set; } = "models";

    /// <summary>Model served when a request names none. Default <c>frappe-afm</c>.</summary>
    [Required]
    public string Default { get; set; } = "frappe-afm";

    /// <summary>How often new versions are looked for, in seconds; 0 turns reloading off. Default 10.</summary>
    [Range(0, 86_400)]
    public int ReloadIntervalSeconds { get; set; } = 10;
}
