using AfmServing.Core.Encoding;

namespace AfmServing.Core.Scoring;

/// <summary>Reads a row's attention output into its strongest field pairs.</summary>
public static class Explainer
{
    /// <summary>The <paramref name="k"/> pairs with the highest weight (weight 0 = masked pairs are left out), highest first.</summary>
    public static PairWeight[] TopPairs(RowEncoder encoder, ReadOnlySpan<float> attention, int k)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        Span<int> best = stackalloc int[Math.Min(k, attention.Length)];
        int count = 0;
        for (int p = 0; p < attention.Length; p++)
        {
            float w = attention[p];
            if (!(w > 0))
                continue;
            // Insertion into a short sorted list: k is small (default 5) and P is at most a few hundred.
            int pos = count < best.Length ? count++ : best.Length;
            while (pos > 0 && attention[best[pos - 1]] < w)
            {
                if (pos < best.Length)
                    best[pos] = best[pos - 1];
                pos--;
            }
            if (pos < best.Length)
                best[pos] = p;
        }
        var result = new PairWeight[count];
        for (int i = 0; i < count; i++)
        {
            var (a, b) = encoder.PairFields[best[i]];
            result[i] = new PairWeight(encoder.Fields[a].Name, encoder.Fields[b].Name, attention[best[i]]);
        }
        return result;
    }
}
