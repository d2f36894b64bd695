using AfmServing.Training.Model;

namespace AfmServing.Training.Optimization;

/// <summary>One per-parameter accumulator array for each group of <see cref="AfmParameters"/>.</summary>
internal sealed class OptimizerState
{
    public OptimizerState(AfmParameters m)
    {
        Embeddings = new float[m.Embeddings.Length];
        Linear = new float[m.Linear.Length];
        Bias = new float[1];
        AttentionW = new float[m.AttentionW.Length];
        AttentionB = new float[m.AttentionB.Length];
        AttentionH = new float[m.AttentionH.Length];
        Projection = new float[m.Projection.Length];
    }

    public float[] Embeddings { get; }

    public float[] Linear { get; }

    public float[] Bias { get; }

    public float[] AttentionW { get; }

    public float[] AttentionB { get; }

    public float[] AttentionH { get; }

    public float[] Projection { get; }
}
