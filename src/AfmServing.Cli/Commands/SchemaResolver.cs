using AfmServing.Core.Manifest;
using AfmServing.Training.Data;

namespace AfmServing.Cli.Commands;

/// <summary>Finds the data format and schema a command should use from its options.</summary>
internal static class SchemaResolver
{
    public static DataFormat Format(string? option, string dataPath) => option switch
    {
        null or "" => DataFiles.GuessFormat(dataPath),
        "libfm" => DataFormat.LibFm,
        "movielens" => DataFormat.MovieLens,
        "csv" => DataFormat.Delimited,
        _ => throw new ArgumentException($"--format '{option}' is not libfm, movielens or csv"),
    };

    /// <summary>A built-in schema name (frappe, movielens, criteo, avazu, taobao) or a schema JSON file.</summary>
    public static (DatasetSchema Schema, string Name) ForTraining(string? option, DataFormat format)
    {
        if (string.IsNullOrEmpty(option))
        {
            return format switch
            {
                DataFormat.LibFm => (KnownSchemas.Frappe(), "frappe"),
                DataFormat.MovieLens => (KnownSchemas.MovieLens(), "movielens"),
                _ => throw new ArgumentException($"--schema is required for csv data (a JSON file or one of: {string.Join(", ", KnownSchemas.Names)})"),
            };
        }
        if (KnownSchemas.Get(option) is { } known)
            return (known, option);
        if (!File.Exists(option))
            throw new ArgumentException($"--schema '{option}' is neither a file nor one of: {string.Join(", ", KnownSchemas.Names)}");
        return (DatasetSchema.ReadJson(option), Path.GetFileName(option));
    }

    /// <summary>
    /// For evaluation: the schema that reads a file into a model's fields. Without --schema, the columns are
    /// the manifest's field names (libFM: by position), lists in canonical '|'-joined form.
    /// </summary>
    public static DatasetSchema ForModel(string? option, ModelManifest manifest, string labelColumn, string separator)
    {
        if (!string.IsNullOrEmpty(option))
            return ForTraining(option, DataFormat.Delimited).Schema;
        return new DatasetSchema
        {
            LabelColumn = labelColumn,
            Separator = separator,
            Fields = manifest.Fields.ConvertAll(f => new FieldSchema
            {
                Name = f.Name,
                Kind = f.Kind,
                Source = f.Source,
                ListSeparator = f.MultiValued ? "|" : null,
            }),
        };
    }
}
