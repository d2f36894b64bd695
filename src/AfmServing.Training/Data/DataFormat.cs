namespace AfmServing.Training.Data;

/// <summary>File formats the data readers understand.</summary>
public enum DataFormat
{
    /// <summary>One-hot libFM, one token per field by position (Frappe).</summary>
    LibFm,

    /// <summary>MovieLens-100K ratings joined with u.user and u.item.</summary>
    MovieLens,

    /// <summary>Delimited text with a header row, mapped by a <see cref="DatasetSchema"/>.</summary>
    Delimited,
}

/// <summary>Reads a file of any <see cref="DataFormat"/> into raw rows in the schema's field order.</summary>
public static class DataFiles
{
    /// <summary>Guesses the format from the file name: .libfm/.libsvm, MovieLens u.data/u1.base/…, else delimited.</summary>
    public static DataFormat GuessFormat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string name = Path.GetFileName(path);
        string ext = Path.GetExtension(name).ToLowerInvariant();
        if (ext is ".libfm" or ".libsvm")
            return DataFormat.LibFm;
        if (name.StartsWith('u') && ext is ".data" or ".base" or ".test")
            return DataFormat.MovieLens;
        return DataFormat.Delimited;
    }

    public static RawDataset Read(string path, DataFormat format, DatasetSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var data = format switch
        {
            DataFormat.LibFm => LibFmReader.Read(path, schema.Fields.ConvertAll(f => f.Name)),
            DataFormat.MovieLens => MovieLensReader.Read(path),
            _ => DelimitedReader.Read(path, schema),
        };
        FieldLayoutBuilder.CheckFieldOrder(schema, data);
        return data;
    }
}
