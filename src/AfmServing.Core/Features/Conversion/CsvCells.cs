namespace AfmServing.Core.Features.Conversion;

/// <summary>Writes CSV rows that <see cref="EntityFileReader"/> reads back unchanged.</summary>
internal static class CsvCells
{
    public static void WriteRow(TextWriter writer, params ReadOnlySpan<string?> cells)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0)
                writer.Write(',');
            string? cell = cells[i];
            if (string.IsNullOrEmpty(cell))
                continue;
            if (cell.AsSpan().IndexOfAny(",\"\r\n") < 0)
                writer.Write(cell);
            else
            {
                writer.Write('"');
                writer.Write(cell.Replace("\"", "\"\"", StringComparison.Ordinal));
                writer.Write('"');
            }
        }
        writer.Write('\n');
    }
}
