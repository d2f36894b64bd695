using System.Text;

namespace AfmServing.Core.Features;

/// <summary>
/// Splits one line of delimited text: double quotes protect separators and "" is a literal quote. Shared by the
/// entity-file reader and the trainer's data reader so both read a file the same way.
/// </summary>
public static class DelimitedLine
{
    public static List<string> Split(string line, char separator)
    {
        ArgumentNullException.ThrowIfNull(line);
        var cells = new List<string>();
        if (line.IndexOf('"') < 0)
        {
            cells.AddRange(line.Split(separator));
            return cells;
        }
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == separator) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
