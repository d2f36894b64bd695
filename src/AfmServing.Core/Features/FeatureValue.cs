namespace AfmServing.Core.Features;

/// <summary>Kinds of raw feature value a client or store can supply.</summary>
public enum FeatureValueKind : byte
{
    Missing = 0,
    Text = 1,
    Number = 2,
    List = 3,
}

/// <summary>
/// A raw feature value: a string (categorical), a number (numeric), a list of strings
/// (multi-valued categorical) or missing. A readonly struct so rows need no boxing.
/// </summary>
public readonly struct FeatureValue : IEquatable<FeatureValue>
{
    private readonly object? _ref;

    private FeatureValue(FeatureValueKind kind, object? reference, double number)
    {
        Kind = kind;
        _ref = reference;
        Number = number;
    }

    public FeatureValueKind Kind { get; }

    /// <summary>The number, for <see cref="FeatureValueKind.Number"/>.</summary>
    public double Number { get; }

    /// <summary>The text, for <see cref="FeatureValueKind.Text"/>; otherwise null.</summary>
    public string? Text => _ref as string;

    /// <summary>The strings, for <see cref="FeatureValueKind.List"/>; otherwise null.</summary>
    public IReadOnlyList<string>? List => _ref as IReadOnlyList<string>;

    public bool IsMissing => Kind == FeatureValueKind.Missing;

    public static FeatureValue Missing => default;

    public static FeatureValue FromString(string value) =>
        new(FeatureValueKind.Text, value ?? throw new ArgumentNullException(nameof(value)), 0);

    public static FeatureValue FromNumber(double value) => new(FeatureValueKind.Number, null, value);

    public static FeatureValue FromList(IReadOnlyList<string> values) =>
        new(FeatureValueKind.List, values ?? throw new ArgumentNullException(nameof(values)), 0);

    public bool Equals(FeatureValue other) => Kind == other.Kind && Kind switch
    {
        FeatureValueKind.Missing => true,
        FeatureValueKind.Text => string.Equals(Text, other.Text, StringComparison.Ordinal),
        FeatureValueKind.Number => Number.Equals(other.Number),
        _ => List!.SequenceEqual(other.List!, StringComparer.Ordinal),
    };

    public override bool Equals(object? obj) => obj is FeatureValue v && Equals(v);

    public override int GetHashCode() => HashCode.Combine(Kind, _ref, Number);

    public static bool operator ==(FeatureValue left, FeatureValue right) => left.Equals(right);

    public static bool operator !=(FeatureValue left, FeatureValue right) => !left.Equals(right);

    public override string ToString() => Kind switch
    {
        FeatureValueKind.Missing => "(missing)",
        FeatureValueKind.Text => Text!,
        FeatureValueKind.Number => Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => string.Join('|', List!),
    };
}
