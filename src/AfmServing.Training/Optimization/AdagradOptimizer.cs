using System.Numerics.Tensors;
using AfmServing.Training.Model;

namespace AfmServing.Training.Optimization;

/// <summary>Adagrad (Duchi et al.) in PyTorch's form: G ← G + g²; θ ← θ − lr · g / (√G + ε).</summary>
public sealed class AdagradOptimizer : IOptimizer
{
    private readonly OptimizerState _sumSquares;
    private readonly float[] _scratch;
    private readonly SparseUpdate.Rule _rule;
    private readonly float _learningRate, _epsilon;

    public AdagradOptimizer(AfmParameters parameters, float learningRate, float epsilon = 1e-10f)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || !float.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be a positive number");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive");
        _sumSquares = new OptimizerState(parameters);
        _scratch = new float[Math.Max(parameters.AttentionW.Length, Math.Max(parameters.EmbeddingSize, parameters.AttentionSize))];
        _learningRate = learningRate;
        _epsilon = epsilon;
        _rule = Update;
    }

    public void Step(AfmParameters parameters, AfmGradients gradients) =>
        // Adagrad keeps one accumulator; the walker's second state slot is passed the same array and ignored.
        SparseUpdate.Apply(parameters, gradients, _sumSquares, _sumSquares, _rule);

    private void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> sumSquares, Span<float> ignored)
    {
        var tmp = _scratch.AsSpan(0, theta.Length);
        TensorPrimitives.MultiplyAdd(g, g, sumSquares, sumSquares);
        TensorPrimitives.Sqrt(sumSquares, tmp);
        TensorPrimitives.Add(tmp, _epsilon, tmp);
        TensorPrimitives.Divide(g, tmp, tmp);
        TensorPrimitives.MultiplyAdd(tmp, -_learningRate, theta, theta);
    }
}
