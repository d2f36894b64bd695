namespace AfmServing.Core.Manifest;

/// <summary>One model field: where its raw value comes from and how it becomes an id and a value.</summary>
public sealed class FieldSpec
{
    /// <summary>Field name as clients send it (case-sensitive).</summary>
    public string Name { get; set; } = "";

    /// <summary><c>categorical</c> or <c>numeric</c>.</summary>
    public string Kind { get; set; } = FieldKinds.Categorical;

    /// <summary><c>user</c>, <c>item</c> or <c>context</c>: which feature-store entity supplies it.</summary>
    public string Source { get; set; } = FieldSources.Context;

    /// <summary>First row of this field in the embedding table.</summary>
    public int Offset { get; set; }

    /// <summary>Rows of the table this field owns (1 for numeric fields).</summary>
    public int Size { get; set; }

    /// <summary>
    /// The field's raw value is the entity id itself (the request's <c>user_id</c> for a <c>user</c> field,
    /// the candidate's <c>item_id</c> for an <c>item</c> field) when neither the request nor the store supplies it.
    /// </summary>
    public bool EntityId { get; set; }

    /// <summary>A list of strings is accepted and canonicalised (sorted, distinct, joined with '|').</summary>
    public bool MultiValued { get; set; }

    /// <summary>Set for categorical fields.</summary>
    public CategoricalEncoding? Categorical { get; set; }

    /// <summary>Set for numeric fields.</summary>
    public NumericTransform? Numeric { get; set; }
}

/// <summary>Field kinds.</summary>
public static class FieldKinds
{
    public const string Categorical = "categorical";
    public const string Numeric = "numeric";
}

/// <summary>Feature-store entity a field is sourced from.</summary>
public static class FieldSources
{
    public const string User = "user";
    public const string Item = "item";
    public const string Context = "context";
}

/// <summary>
/// How a categorical string becomes a table row. Row 0 of the field (at <see cref="FieldSpec.Offset"/>)
/// is the out-of-vocabulary bucket for <c>vocabulary</c>; <c>hash</c> uses every bucket.
/// </summary>
public sealed class CategoricalEncoding
{
    /// <summary><c>vocabulary</c> or <c>hash</c>.</summary>
    public string Encoding { get; set; } = CategoricalEncodings.Vocabulary;

    /// <summary>Known values; value i maps to row Offset + 1 + i.</summary>
    public List<string>? Vocabulary { get; set; }

    /// <summary>Minimum training count a value needed to enter the vocabulary.</summary>
    public int MinCount { get; set; } = 1;

    /// <summary>Named, stable hash: <c>fnv1a64</c> (over UTF-8 bytes).</summary>
    public string? Hash { get; set; }

    /// <summary>Number of hash buckets.</summary>
    public int Buckets { get; set; }
}

/// <summary>Categorical encodings.</summary>
public static class CategoricalEncodings
{
    public const string Vocabulary = "vocabulary";
    public const string Hash = "hash";
}

/// <summary>
/// Numeric transform, applied in order: clip to [ClipMin, ClipMax], then signed log1p if
/// <see cref="Log1p"/>, then (x - Mean) / Std.
/// </summary>
public sealed class NumericTransform
{
    public double? ClipMin { get; set; }
    public double? ClipMax { get; set; }
    public bool Log1p { get; set; }
    public double Mean { get; set; }
    public double Std { get; set; } = 1;
}
