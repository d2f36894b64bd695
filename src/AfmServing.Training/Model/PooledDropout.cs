namespace AfmServing.Training.Model;

/// <summary>
/// Inverted dropout on the pooled vector. The mask of a row depends only on (seed, step, the row's position
/// in the batch), never on which thread computes it, so training is reproducible for any thread count.
/// </summary>
internal readonly struct PooledDropout
{
    public PooledDropout(float rate, long seed, long step)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "dropout rate must lie in [0, 1)");
        Rate = rate;
        Seed = seed;
        Step = step;
    }

    public float Rate { get; }

    public long Seed { get; }

    public long Step { get; }

    public bool IsActive => Rate > 0;

    /// <summary>Fills <paramref name="mask"/> with 0 (dropped) or 1/(1 − rate) (kept, rescaled so the expectation is unchanged).</summary>
    public void Fill(int positionInBatch, Span<float> mask)
    {
        var rng = SplitMix64.For(Seed, Step, positionInBatch);
        float keep = 1f - Rate, scale = 1f / keep;
        for (int d = 0; d < mask.Length; d++)
            mask[d] = rng.NextSingle() < keep ? scale : 0f;
    }
}
