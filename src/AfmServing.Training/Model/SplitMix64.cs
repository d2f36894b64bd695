namespace AfmServing.Training.Model;

/// <summary>
/// A tiny counter-friendly generator: its whole state is one ulong, so a stream can be derived from
/// (seed, step, row) without any shared state. That is what keeps dropout and shuffling identical for
/// any number of threads.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator whose stream depends only on the given keys.</summary>
    public static SplitMix64 For(long seed, long a, long b = 0) =>
        new(Mix(Mix(Mix((ulong)seed) ^ (ulong)a) ^ (ulong)b));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 24 bits, the float mantissa.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound).</summary>
    public int NextInt(int bound) => (int)((NextUInt64() >> 33) * (ulong)bound >> 31);

    /// <summary>Standard normal by Box–Muller (one value per call; the twin is dropped for simplicity).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
