namespace AfmServing.Training.Evaluation;

/// <summary>Binary classification metrics on probabilities.</summary>
public static class Metrics
{
    /// <summary>Probabilities are clipped to [Epsilon, 1 - Epsilon] in log loss so that a 0 or 1 never gives infinity.</summary>
    public const double Epsilon = 1e-7;

    /// <summary>ROC AUC by the rank-sum (Mann–Whitney) formula, ties given their average rank.</summary>
    public static double Auc(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        if (labels.Length != probabilities.Length)
            throw new ArgumentException("labels and probabilities differ in length");
        int n = labels.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = probabilities.ToArray();
        Array.Sort(keys, order);
        double positives = 0, rankSum = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && keys[end + 1] == keys[start]) end++;
            double averageRank = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++)
            {
                if (labels[order[i]] > 0.5f)
                {
                    positives++;
                    rankSum += averageRank;
                }
            }
            start = end + 1;
        }
        double negatives = n - positives;
        if (positives == 0 || negatives == 0)
            return double.NaN;
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    /// <summary>Mean binary cross-entropy.</summary>
    public static double LogLoss(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        if (labels.Length != probabilities.Length)
            throw new ArgumentException("labels and probabilities differ in length");
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], Epsilon, 1 - Epsilon);
            sum -= labels[i] > 0.5f ? Math.Log(p) : Math.Log(1 - p);
        }
        return labels.Length == 0 ? double.NaN : sum / labels.Length;
    }

    /// <summary>Root mean squared error between labels and probabilities.</summary>
    public static double Rmse(ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        if (labels.Length != probabilities.Length)
            throw new ArgumentException("labels and probabilities differ in length");
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double d = labels[i] - (double)probabilities[i];
            sum += d * d;
        }
        return labels.Length == 0 ? double.NaN : Math.Sqrt(sum / labels.Length);
    }
}
