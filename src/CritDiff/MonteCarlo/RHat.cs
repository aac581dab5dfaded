namespace CritDiff.MonteCarlo;

/// <summary>
/// The potential scale reduction factor R-hat of several chains of one observable, in its split form: each chain is cut
/// into a first and a second half (Gelman et al., Bayesian Data Analysis, 3rd ed. 2013, section 11.4; Vehtari, Gelman,
/// Simpson, Carpenter and Buerkner, Bayesian Analysis 16, 667 (2021), eqs. 1-4, without their rank normalisation: |M| and
/// the energy of a lattice model have all moments, so the plain values are used). With m half-chains of n values each,
/// theta_ij (value i of half j), their means theta_j and overall mean theta:
/// B = n / (m - 1) sum_j (theta_j - theta)^2, W = (1/m) sum_j s_j^2 with s_j^2 = 1/(n - 1) sum_i (theta_ij - theta_j)^2,
/// var+ = (n - 1)/n W + B/n and R-hat = sqrt(var+ / W). R-hat is 1 for chains that sample one law and grows with the
/// spread of the half-chain means against the spread within them: a chain stuck in another state, or a drift along a
/// chain (first half against second), raises it.
/// </summary>
public static class RHat
{
    /// <summary>
    /// Chains disagree above this R-hat: 1.1, the threshold of Gelman et al. (2013). Vehtari et al. (2021) recommend 1.01 for
    /// posterior summaries with hundreds of effective samples per chain. On agreeing Monte Carlo chains of N sweeps with
    /// autocorrelation time tau_int, R-hat - 1 is about (2 tau_int / N) chi^2_{m-1} / (m - 1) (m half-chains): 1.01 would flag
    /// ordinary runs shorter than ~1000 tau_int per chain; with 1.1, four chains of 50 tau_int (the length below which the
    /// runners already warn) exceed it with probability ~1.4% per observable, chains of 100 tau_int practically never, and a
    /// frozen chain by far.
    /// </summary>
    public const double Threshold = 1.1;

    /// <summary>
    /// Split-R-hat of <paramref name="chains"/> (one series per chain, at least 4 values each). Chains of unequal length are
    /// cut to the shortest; a chain of odd length drops its middle value. 1 when every value is the same; +infinity when
    /// the half-chains are constant but differ.
    /// </summary>
    public static double Split(IReadOnlyList<double[]> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count == 0) throw new ArgumentException("no chains", nameof(chains));
        int length = chains.Min(c => c?.Length ?? throw new ArgumentException("a chain is null", nameof(chains)));
        if (length < 4) throw new ArgumentException($"split-R-hat needs at least 4 values per chain (got {length})", nameof(chains));
        int n = length / 2, m = 2 * chains.Count;
        var means = new double[m];
        double within = 0;
        for (int c = 0; c < chains.Count; c++)
            for (int half = 0; half < 2; half++)
            {
                var values = chains[c].AsSpan(half == 0 ? 0 : length - n, n);
                double mean = 0;
                foreach (double x in values) mean += x;
                mean /= n;
                double ss = 0;
                foreach (double x in values) ss += (x - mean) * (x - mean);
                means[2 * c + half] = mean;
                within += ss / (n - 1);
            }
        within /= m;
        double grand = means.Average(), spread = 0;
        foreach (double mean in means) spread += (mean - grand) * (mean - grand);
        double between = n * spread / (m - 1);
        if (within == 0) return between == 0 ? 1 : double.PositiveInfinity;
        return Math.Sqrt(((n - 1.0) / n * within + between / n) / within);
    }
}
