namespace AfmServing.Training.Data;

/// <summary>
/// One example as read from a data file, before encoding: its 0/1 label and one raw string per schema field
/// (null or empty = missing). Multi-valued fields already hold their canonical '|'-joined form.
/// </summary>
/// <param name="Line">1-based line in the source file, for error messages.</param>
/// <param name="Label">0 or 1.</param>
/// <param name="Values">Raw values in the schema's field order.</param>
public sealed record RawRow(long Line, float Label, string?[] Values);
