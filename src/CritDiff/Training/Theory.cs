namespace CritDiff.Training;

/// <summary>A theory prediction: the step count (null if eps is not reached within the cap) and the excess per step.</summary>
public sealed record TheoryPrediction(int? Steps, double[] ExcessHistory)
{
    /// <summary>Excess at step 0.</summary>
    public double InitialExcess => ExcessHistory[0];
}

/// <summary>
/// Training times predicted for population gradient descent of full-range networks in the kernel
/// basis (docs/science.md section 6), from the exact per-mode recursions rather than their asymptotics.
/// A full layer's multiplier evolves mode by mode: with D layers m_j(k), m = prod_j m_j,
/// m_j &lt;- m_j - 2 eta (S m + 1) prod_{i != j} m_i (all layers from the old values; D = 1 gives
/// m &lt;- m - 2 eta (S m + 1), i.e. e_k(n) = (1 - 2 eta S_k)^n e_k(0) for e = m + 1/S). The balanced
/// start has m_j = c (j &lt; D), m_D = -c with c^D = the initial scale. The excess over the exact
/// optimum is (1/V) sum_k S_k (m_k + 1/S_k)^2.
/// </summary>
public static class Theory
{
    /// <summary>
    /// Runs the recursion for every distinct S (modes with equal S move together) until the excess is
    /// at most eps times its initial value, or <paramref name="maxSteps"/>.
    /// </summary>
    public static TheoryPrediction PredictFullNetwork(ReadOnlySpan<double> noisedSpectrum, int depth,
        double learningRate, double initialScale, double eps, int maxSteps)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be >= 1");
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "rate must be > 0");
        var groups = new SortedDictionary<double, int>();
        foreach (double s in noisedSpectrum) groups[s] = groups.TryGetValue(s, out int n) ? n + 1 : 1;
        var spectrum = groups.Keys.ToArray();
        var weights = groups.Values.Select(w => (double)w).ToArray();
        int modes = spectrum.Length;
        double c = Math.Pow(initialScale, 1.0 / depth);
        var layers = new double[depth][];
        for (int j = 0; j < depth; j++) layers[j] = Enumerable.Repeat(j == depth - 1 ? -c : c, modes).ToArray();
        var next = new double[depth];
        var history = new List<double>();
        double total = noisedSpectrum.Length;
        for (int step = 0; ; step++)
        {
            double excess = 0;
            for (int k = 0; k < modes; k++)
            {
                double m = 1;
                for (int j = 0; j < depth; j++) m *= layers[j][k];
                double e = m + 1 / spectrum[k];
                excess += weights[k] * spectrum[k] * e * e;
            }
            excess /= total;
            history.Add(excess);
            if (excess <= eps * history[0]) return new TheoryPrediction(step, history.ToArray());
            if (step >= maxSteps || !double.IsFinite(excess) || excess > 1e300) return new TheoryPrediction(null, history.ToArray());
            for (int k = 0; k < modes; k++)
            {
                double m = 1;
                for (int j = 0; j < depth; j++) m *= layers[j][k];
                double residual = 2 * learningRate * (spectrum[k] * m + 1);
                for (int j = 0; j < depth; j++)
                {
                    double others = 1;
                    for (int i = 0; i < depth; i++) if (i != j) others *= layers[i][k];
                    next[j] = layers[j][k] - residual * others;
                }
                for (int j = 0; j < depth; j++) layers[j][k] = next[j];
            }
        }
    }

    /// <summary>
    /// Asymptotic one-layer estimate: the slowest mode (S_min) must shrink its error by sqrt(eps) per
    /// unit excess weight, n ~ ln(1/eps) / (2 |ln(1 - 2 eta S_min)|) ~ ln(1/eps) / (4 eta S_min); with
    /// eta = f / S_max this grows like kappa = S_max / S_min (L^2 at criticality).
    /// </summary>
    public static double OneLayerAsymptoticSteps(double sMin, double learningRate, double eps) =>
        Math.Log(1 / eps) / (-2 * Math.Log(Math.Abs(1 - 2 * learningRate * sMin)));

    /// <summary>
    /// Two-layer logistic estimate (docs/science.md section 6): p = -m S obeys p' = 4 eta p (1 - p), so the
    /// slowest mode, starting at p0 = c^2 S_min, needs about (ln(1/p0) + ln(1/delta)) / (4 eta) steps to
    /// reach 1 - p &lt;= delta: ~ ln kappa ~ 2 ln L.
    /// </summary>
    public static double TwoLayerLogisticSteps(double initialScale, double sMin, double learningRate, double delta) =>
        (Math.Log(1 / (initialScale * sMin)) + Math.Log(1 / delta)) / (4 * learningRate);
}
