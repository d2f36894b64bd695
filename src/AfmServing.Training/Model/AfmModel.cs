using System.Numerics;
using System.Numerics.Tensors;
using AfmServing.Training.Data;

namespace AfmServing.Training.Model;

/// <summary>
/// The AFM of DESIGN.md in single precision, vectorised over the k- and t-length vectors with
/// <see cref="TensorPrimitives"/>: forward for prediction and forward + backward for training.
/// <see cref="AfmReference"/> is the oracle it is tested against.
/// </summary>
public static class AfmModel
{
    private const int PredictChunk = 512;

    /// <summary>
    /// Click probabilities for every row of <paramref name="data"/>. Rows are scored in parallel chunks,
    /// each row independently, so the result does not depend on the thread count.
    /// Ids must lie in [0, TableSize). <paramref name="attentionOut"/>, when given, receives [Rows, P] attention
    /// weights (0 for masked pairs, 1 for present pairs in FM mode).
    /// </summary>
    public static float[] Predict(AfmParameters m, EncodedDataset data, float[]? attentionOut = null) =>
        Predict(m, data, attentionOut, Environment.ProcessorCount);

    /// <summary><see cref="Predict(AfmParameters, EncodedDataset, float[])"/> on at most <paramref name="threads"/> threads.</summary>
    public static float[] Predict(AfmParameters m, EncodedDataset data, float[]? attentionOut, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(data);
        EnsureCompatible(m, data, nameof(data));
        int pairs = m.PairCount;
        if (attentionOut is not null && attentionOut.Length != (long)data.Rows * pairs)
            throw new ArgumentException($"attentionOut must hold Rows × P = {(long)data.Rows * pairs} values, not {attentionOut.Length}", nameof(attentionOut));

        var result = new float[data.Rows];
        int chunks = (data.Rows + PredictChunk - 1) / PredictChunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new AfmWorkspace(m), (chunk, _, ws) =>
        {
            int f = m.FieldCount;
            int end = Math.Min(data.Rows, (chunk + 1) * PredictChunk);
            for (int r = chunk * PredictChunk; r < end; r++)
            {
                float logit = Forward(m, data.Ids.AsSpan(r * f, f), data.Values.AsSpan(r * f, f), ws, default);
                result[r] = Sigmoid(logit);
                if (attentionOut is not null)
                    WriteAttention(ws, attentionOut.AsSpan(r * pairs, pairs));
            }
            return ws;
        }, _ => { });
        return result;
    }

    /// <summary>Throws when the data's field count or ids do not fit the model.</summary>
    public static void EnsureCompatible(AfmParameters m, EncodedDataset data, string paramName)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(data);
        if (data.FieldCount != m.FieldCount)
            throw new ArgumentException($"data has {data.FieldCount} fields but the model has {m.FieldCount}", paramName);
        var ids = data.Ids;
        for (int i = 0; i < ids.Length; i++)
        {
            if ((ulong)ids[i] >= (ulong)m.TableSize)
                throw new ArgumentException($"row {i / data.FieldCount}, field {i % data.FieldCount}: id {ids[i]} is outside the embedding table [0, {m.TableSize})", paramName);
        }
        var values = data.Values;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"row {i / data.FieldCount}, field {i % data.FieldCount}: value {values[i]} is not finite", paramName);
        }
    }

    /// <summary>Logistic function without overflow for large |z|.</summary>
    public static float Sigmoid(float z) => z >= 0 ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));

    /// <summary>
    /// Forward pass for one row; leaves every intermediate in <paramref name="ws"/> for <see cref="Backward"/>.
    /// <paramref name="dropMask"/> holds the inverted-dropout multipliers of the pooled vector ([k], each 0 or
    /// 1/keep), or is empty for none. Returns the logit.
    /// </summary>
    internal static float Forward(AfmParameters m, ReadOnlySpan<long> ids, ReadOnlySpan<float> values, AfmWorkspace ws, ReadOnlySpan<float> dropMask)
    {
        int f = ws.FieldCount, k = ws.EmbeddingSize, t = ws.AttentionSize;
        var table = m.Embeddings;
        var linear = m.Linear;
        var embedded = ws.Embedded.AsSpan();

        float logit = m.Bias[0];
        for (int i = 0; i < f; i++)
        {
            float x = values[i];
            var e = embedded.Slice(i * k, k);
            if (x == 0)
            {
                e.Clear();
                continue;
            }
            int id = (int)ids[i];
            logit += linear[id] * x;
            TensorPrimitives.Multiply(table.AsSpan(id * k, k), x, e);
        }

        // Only present pairs are kept: this is the mask of the softmax and of the pooled sum.
        int n = 0, pairIndex = 0;
        for (int i = 0; i < f; i++)
        {
            bool first = values[i] != 0;
            for (int j = i + 1; j < f; j++, pairIndex++)
            {
                if (!first || values[j] == 0) continue;
                ws.PairFirst[n] = i;
                ws.PairSecond[n] = j;
                ws.PairIndex[n] = pairIndex;
                TensorPrimitives.Multiply(embedded.Slice(i * k, k), embedded.Slice(j * k, k), ws.Products.AsSpan(n * k, k));
                n++;
            }
        }
        ws.PresentPairs = n;

        var pooled = ws.Pooled.AsSpan();
        pooled.Clear();
        if (n == 0)
        {
            ws.PooledDropped.AsSpan().Clear();
            return logit;
        }

        var attention = ws.Attention.AsSpan(0, n);
        if (m.UseAttention)
        {
            var w = m.AttentionW.AsSpan();
            var scores = ws.Scores.AsSpan(0, n);
            for (int q = 0; q < n; q++)
            {
                var product = ws.Products.AsSpan(q * k, k);
                var hidden = ws.Hidden.AsSpan(q * t, t);
                m.AttentionB.AsSpan().CopyTo(hidden);
                for (int d = 0; d < k; d++)
                    TensorPrimitives.MultiplyAdd(w.Slice(d * t, t), product[d], hidden, hidden);
                TensorPrimitives.Max(hidden, 0f, hidden);
                scores[q] = TensorPrimitives.Dot(m.AttentionH, hidden);
            }
            // SoftMax does not shift by the maximum itself; shifting keeps exp() finite for large scores.
            float max = TensorPrimitives.Max(scores);
            TensorPrimitives.Subtract(scores, max, attention);
            TensorPrimitives.SoftMax(attention, attention);
        }
        else
        {
            attention.Fill(1f);
        }

        for (int q = 0; q < n; q++)
            TensorPrimitives.MultiplyAdd(ws.Products.AsSpan(q * k, k), attention[q], pooled, pooled);

        var pooledDropped = ws.PooledDropped.AsSpan();
        if (dropMask.IsEmpty)
            pooled.CopyTo(pooledDropped);
        else
            TensorPrimitives.Multiply(pooled, dropMask, pooledDropped);
        return logit + TensorPrimitives.Dot(m.Projection, pooledDropped);
    }

    /// <summary>
    /// Accumulates into <paramref name="g"/> the gradient of a loss whose derivative with respect to this
    /// row's logit is <paramref name="logitGrad"/>; <paramref name="ws"/> must hold this row's forward pass.
    /// </summary>
    internal static void Backward(AfmParameters m, ReadOnlySpan<long> ids, ReadOnlySpan<float> values, AfmWorkspace ws, ReadOnlySpan<float> dropMask, float logitGrad, AfmGradients g)
    {
        int f = ws.FieldCount, k = ws.EmbeddingSize, t = ws.AttentionSize, n = ws.PresentPairs;
        g.Bias[0] += logitGrad;
        for (int i = 0; i < f; i++)
        {
            float x = values[i];
            if (x == 0) continue;
            int id = (int)ids[i];
            g.Touch(id);
            g.Linear[id] += logitGrad * x;
        }
        if (n == 0) return;

        TensorPrimitives.MultiplyAdd(ws.PooledDropped, logitGrad, g.Projection, g.Projection);
        var pooledGrad = ws.PooledGrad.AsSpan();
        TensorPrimitives.Multiply(m.Projection, logitGrad, pooledGrad);
        if (!dropMask.IsEmpty)
            TensorPrimitives.Multiply(pooledGrad, dropMask, pooledGrad);

        var embedded = ws.Embedded.AsSpan();
        var embeddedGrad = ws.EmbeddedGrad.AsSpan();
        embeddedGrad.Clear();
        var productGrad = ws.ProductGrad.AsSpan();
        var attention = ws.Attention.AsSpan(0, n);

        if (!m.UseAttention)
        {
            // a_q = 1: every present pair receives the pooled gradient unchanged.
            for (int q = 0; q < n; q++)
                AccumulatePairGrad(embedded, embeddedGrad, ws.PairFirst[q], ws.PairSecond[q], k, pooledGrad);
        }
        else
        {
            var attentionGrad = ws.AttentionGrad.AsSpan(0, n);
            for (int q = 0; q < n; q++)
                attentionGrad[q] = TensorPrimitives.Dot(pooledGrad, ws.Products.AsSpan(q * k, k));
            // Softmax backward: ∂L/∂a'_q = a_q (∂L/∂a_q − Σ_r a_r ∂L/∂a_r).
            float weighted = TensorPrimitives.Dot(attention, attentionGrad);

            var w = m.AttentionW.AsSpan();
            var h = m.AttentionH.AsSpan();
            var hiddenGrad = ws.HiddenGrad.AsSpan();
            for (int q = 0; q < n; q++)
            {
                var product = ws.Products.AsSpan(q * k, k);
                TensorPrimitives.Multiply(pooledGrad, attention[q], productGrad);
                float scoreGrad = attention[q] * (attentionGrad[q] - weighted);
                if (scoreGrad != 0)
                {
                    var hidden = ws.Hidden.AsSpan(q * t, t);
                    TensorPrimitives.MultiplyAdd(hidden, scoreGrad, g.AttentionH, g.AttentionH);
                    ReluBackward(hidden, h, scoreGrad, hiddenGrad);
                    TensorPrimitives.Add(g.AttentionB, hiddenGrad, g.AttentionB);
                    var gw = g.AttentionW.AsSpan();
                    for (int d = 0; d < k; d++)
                    {
                        var gwRow = gw.Slice(d * t, t);
                        TensorPrimitives.MultiplyAdd(hiddenGrad, product[d], gwRow, gwRow);
                        productGrad[d] += TensorPrimitives.Dot(w.Slice(d * t, t), hiddenGrad);
                    }
                }
                AccumulatePairGrad(embedded, embeddedGrad, ws.PairFirst[q], ws.PairSecond[q], k, productGrad);
            }
        }

        for (int i = 0; i < f; i++)
        {
            float x = values[i];
            if (x == 0) continue;
            int id = (int)ids[i];
            var row = g.Embeddings.AsSpan(id * k, k);
            TensorPrimitives.MultiplyAdd(embeddedGrad.Slice(i * k, k), x, row, row);
        }
    }

    /// <summary>
    /// Adds to <paramref name="g"/> the gradient of <paramref name="scale"/> · Σ log loss over
    /// <paramref name="rows"/> (row indices into <paramref name="data"/>) and returns the unscaled loss sum.
    /// <paramref name="firstPosition"/> is the position of rows[0] in its batch, which keys the dropout masks.
    /// </summary>
    internal static double AccumulateLossGradient(
        AfmParameters m, EncodedDataset data, ReadOnlySpan<int> rows, int firstPosition, float scale,
        PooledDropout dropout, AfmWorkspace ws, Span<float> maskBuffer, AfmGradients g)
    {
        int f = data.FieldCount;
        double lossSum = 0;
        var mask = dropout.IsActive ? maskBuffer[..ws.EmbeddingSize] : default;
        for (int r = 0; r < rows.Length; r++)
        {
            int row = rows[r];
            var ids = data.Ids.AsSpan(row * f, f);
            var values = data.Values.AsSpan(row * f, f);
            if (dropout.IsActive)
                dropout.Fill(firstPosition + r, mask);
            float logit = Forward(m, ids, values, ws, mask);
            float label = data.Labels[row];
            lossSum += LogLoss(logit, label);
            Backward(m, ids, values, ws, mask, (Sigmoid(logit) - label) * scale, g);
        }
        return lossSum;
    }

    /// <summary>−[y log σ(z) + (1 − y) log(1 − σ(z))] computed from the logit, finite for any z.</summary>
    internal static double LogLoss(float logit, float label)
    {
        double z = logit;
        return Math.Max(z, 0) - z * label + Math.Log(1 + Math.Exp(-Math.Abs(z)));
    }

    /// <summary>Copies the current row's attention into the full pair order (masked pairs 0).</summary>
    internal static void WriteAttention(AfmWorkspace ws, Span<float> destination)
    {
        destination.Clear();
        for (int q = 0; q < ws.PresentPairs; q++)
            destination[ws.PairIndex[q]] = ws.Attention[q];
    }

    /// <summary>∂p/∂e_i = e_j and ∂p/∂e_j = e_i for p = e_i ⊙ e_j.</summary>
    private static void AccumulatePairGrad(ReadOnlySpan<float> embedded, Span<float> embeddedGrad, int i, int j, int k, ReadOnlySpan<float> productGrad)
    {
        var gi = embeddedGrad.Slice(i * k, k);
        var gj = embeddedGrad.Slice(j * k, k);
        TensorPrimitives.MultiplyAdd(productGrad, embedded.Slice(j * k, k), gi, gi);
        TensorPrimitives.MultiplyAdd(productGrad, embedded.Slice(i * k, k), gj, gj);
    }

    /// <summary>
    /// destination = scale·h where the ReLU was active (hidden &gt; 0), else 0. TensorPrimitives has no masked
    /// multiply, so this one step uses <see cref="Vector{T}"/> directly.
    /// </summary>
    private static void ReluBackward(ReadOnlySpan<float> hidden, ReadOnlySpan<float> h, float scale, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var s = new Vector<float>(scale);
            for (; i <= hidden.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var active = Vector.GreaterThan(new Vector<float>(hidden[i..]), Vector<float>.Zero);
                Vector.ConditionalSelect(active, new Vector<float>(h[i..]) * s, Vector<float>.Zero).CopyTo(destination[i..]);
            }
        }
        for (; i < hidden.Length; i++)
            destination[i] = hidden[i] > 0 ? h[i] * scale : 0f;
    }
}
