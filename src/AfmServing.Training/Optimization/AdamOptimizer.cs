using System.Numerics.Tensors;
using AfmServing.Training.Model;

namespace AfmServing.Training.Optimization;

/// <summary>
/// Adam (Kingma &amp; Ba) in PyTorch's form: θ ← θ − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε). Table rows are
/// updated lazily (only when a batch touches them, with the global step's bias correction), as in
/// TensorFlow's LazyAdam and PyTorch's SparseAdam.
/// </summary>
public sealed class AdamOptimizer : IOptimizer
{
    private readonly OptimizerState _first;
    private readonly OptimizerState _second;
    private readonly float[] _scratch;
    private readonly SparseUpdate.Rule _rule;
    private readonly float _learningRate, _beta1, _beta2, _epsilon;
    private long _step;
    private float _stepSize, _secondScale;

    public AdamOptimizer(AfmParameters parameters, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0) || !float.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be a positive number");
        if (!(beta1 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must lie in [0, 1)");
        if (!(beta2 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must lie in [0, 1)");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive");
        _first = new OptimizerState(parameters);
        _second = new OptimizerState(parameters);
        _scratch = new float[Math.Max(parameters.AttentionW.Length, Math.Max(parameters.EmbeddingSize, parameters.AttentionSize))];
        _learningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _rule = Update;
    }

    /// <summary>Steps taken so far.</summary>
    public long StepCount => _step;

    public void Step(AfmParameters parameters, AfmGradients gradients)
    {
        _step++;
        double bias1 = 1 - Math.Pow(_beta1, _step), bias2 = 1 - Math.Pow(_beta2, _step);
        _stepSize = (float)(_learningRate / bias1);
        _secondScale = (float)(1 / Math.Sqrt(bias2));
        SparseUpdate.Apply(parameters, gradients, _first, _second, _rule);
    }

    private void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> m, Span<float> v)
    {
        var tmp = _scratch.AsSpan(0, theta.Length);
        // m ← β1 m + (1 − β1) g ; v ← β2 v + (1 − β2) g²
        TensorPrimitives.Multiply(m, _beta1, m);
        TensorPrimitives.MultiplyAdd(g, 1 - _beta1, m, m);
        TensorPrimitives.Multiply(g, g, tmp);
        TensorPrimitives.Multiply(v, _beta2, v);
        TensorPrimitives.MultiplyAdd(tmp, 1 - _beta2, v, v);
        // θ ← θ − stepSize · m / (√v · secondScale + ε)
        TensorPrimitives.Sqrt(v, tmp);
        TensorPrimitives.Multiply(tmp, _secondScale, tmp);
        TensorPrimitives.Add(tmp, _epsilon, tmp);
        TensorPrimitives.Divide(m, tmp, tmp);
        TensorPrimitives.MultiplyAdd(tmp, -_stepSize, theta, theta);
    }
}
