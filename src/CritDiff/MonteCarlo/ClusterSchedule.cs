using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// How many Wolff clusters make one sweep, per chain. "Clusters until their sizes add up to V" would be a stopping time
/// that depends on the configuration (a large final cluster ends the sweep early), and measuring at such times biases
/// the observables towards order: on a 4x4 Ising lattice the energy comes out 100 standard errors high. So a sweep is
/// m clusters with m = floor(mu) or floor(mu) + 1, the latter with probability mu - floor(mu), drawn from the chain's
/// stream independently of the configuration, with mu = max(1, V / &lt;C&gt;) for the mean cluster size &lt;C&gt;: each
/// sweep is then a mixture of powers of the exact single-cluster kernel, and flips V sites on average (rounding m
/// would make a sweep anything from V/2 to 3V/2 on small lattices), keeping tau_int in sweeps comparable with local
/// kernels. &lt;C&gt; is calibrated per chain: its first <see cref="CalibrationSweeps"/>/2 sweeps (thermalisation; they
/// must not be measured) stop at V sites and estimate &lt;C&gt; from their second half; later sweeps already use that
/// estimate, so they sample the exact chain, and refine it until at least <see cref="CalibrationSweeps"/> sweeps in all
/// and <see cref="CalibrationClusters"/> clusters since the switch (a few per cent accuracy: cluster sizes at
/// criticality spread about as widely as their mean); then mu is fixed for good.
/// </summary>
internal sealed class ClusterSchedule
{
    /// <summary>Fewest sweeps spent calibrating the cluster count; the first half use the biased stop-at-V rule.</summary>
    public const int CalibrationSweeps = 200;

    /// <summary>Clusters grown with the provisional count before the count is fixed.</summary>
    public const int CalibrationClusters = 2000;

    private long _clusters, _sites;
    private int _sweeps;
    private double _provisional;

    /// <summary>Mean clusters per sweep mu once calibrated; 0 while calibrating.</summary>
    public double ClustersPerSweep { get; private set; }

    /// <summary>One sweep of <paramref name="grower"/>'s clusters for a lattice of <paramref name="siteCount"/> sites; returns the sites flipped.</summary>
    public long Sweep<TGrower>(int siteCount, ref TGrower grower, ref RandomStream random) where TGrower : struct, IClusterGrower
    {
        if (ClustersPerSweep > 0) return Clusters(Count(ClustersPerSweep, ref random), ref grower, ref random);
        _sweeps++;
        long flipped;
        int clusters;
        if (_provisional > 0)
        {
            clusters = Count(_provisional, ref random);
            flipped = Clusters(clusters, ref grower, ref random);
        }
        else
        {
            for (flipped = 0, clusters = 0; flipped < siteCount; clusters++) flipped += grower.GrowAndFlip(ref random);
        }
        if (_sweeps > CalibrationSweeps / 4)
        {
            _clusters += clusters;
            _sites += flipped;
        }
        bool provisionalDone = _provisional == 0 && _sweeps == CalibrationSweeps / 2;
        bool finalDone = _provisional > 0 && _sweeps >= CalibrationSweeps && _clusters >= CalibrationClusters;
        if (provisionalDone || finalDone)
        {
            double mu = Math.Clamp((double)siteCount * _clusters / Math.Max(1, _sites), 1, siteCount);
            if (finalDone) ClustersPerSweep = mu;
            else _provisional = mu;
            (_clusters, _sites) = (0, 0);
        }
        return flipped;
    }

    private static long Clusters<TGrower>(int count, ref TGrower grower, ref RandomStream random) where TGrower : struct, IClusterGrower
    {
        long flipped = 0;
        for (int c = 0; c < count; c++) flipped += grower.GrowAndFlip(ref random);
        return flipped;
    }

    /// <summary>floor(mu) + 1 with probability mu - floor(mu), else floor(mu).</summary>
    private static int Count(double mu, ref RandomStream random)
    {
        double whole = Math.Floor(mu);
        return (int)whole + (random.NextDouble() < mu - whole ? 1 : 0);
    }
}
