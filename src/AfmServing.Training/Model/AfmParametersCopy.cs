namespace AfmServing.Training.Model;

/// <summary>Copying parameters (the trainer keeps the best epoch's weights while it goes on training).</summary>
public static class AfmParametersCopy
{
    public static AfmParameters Clone(this AfmParameters source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = new AfmParameters(source.TableSize, source.FieldCount, source.EmbeddingSize, source.AttentionSize, source.UseAttention);
        source.CopyTo(copy);
        return copy;
    }

    /// <summary>Overwrites <paramref name="destination"/>'s values; both must have the same shape.</summary>
    public static void CopyTo(this AfmParameters source, AfmParameters destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.TableSize != destination.TableSize || source.FieldCount != destination.FieldCount
            || source.EmbeddingSize != destination.EmbeddingSize || source.AttentionSize != destination.AttentionSize
            || source.UseAttention != destination.UseAttention)
            throw new ArgumentException("parameter shapes differ", nameof(destination));
        var from = source.Groups;
        var to = destination.Groups;
        for (int i = 0; i < from.Count; i++)
            from[i].Values.AsSpan().CopyTo(to[i].Values);
    }
}
