using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>One single-cluster update: grows and flips one cluster, returns its size.</summary>
internal interface IClusterGrower
{
    int GrowAndFlip(ref RandomStream random);
}

/// <summary>
/// How many Wolff clusters make one sweep, per chain. "Clusters until their sizes add up to V" would be a stopping time
/// that depends on the configuration (a large final cluster ends the sweep early), and measuring at such times biases
/// the observables towards order: on a 4x4 Ising lattice the energy comes out 100 standard errors high. So a chain
/// calibrates instead: its first <see cref="CalibrationSweeps"/> sweeps (thermalisation) use that rule while recording
/// the mean cluster size over their second half, &lt;C&gt;; from then on a sweep is m clusters with m = floor(mu) or
/// floor(mu) + 1, mu = max(1, V / &lt;C&gt;), the latter with probability mu - floor(mu), drawn from the chain's stream
/// independently of the configuration. So each sweep is a mixture of powers of the exact single-cluster kernel, and a
/// sweep flips V sites on average (rounding m instead would make a sweep anything from V/2 to 3V/2 on small lattices),
/// keeping tau_int in sweeps comparable with local kernels.
/// </summary>
internal sealed class ClusterSchedule
{
    /// <summary>Sweeps spent calibrating the cluster count (thermalise at least this long).</summary>
    public const int CalibrationSweeps = 100;

    private long _clusters, _sites;
    private int _sweeps;

    /// <summary>Mean clusters per sweep mu once calibrated; 0 while calibrating.</summary>
    public double ClustersPerSweep { get; private set; }

    /// <summary>One sweep of <paramref name="grower"/>'s clusters for a lattice of <paramref name="siteCount"/> sites; returns the sites flipped.</summary>
    public long Sweep<TGrower>(int siteCount, ref TGrower grower, ref RandomStream random) where TGrower : struct, IClusterGrower
    {
        long flipped = 0;
        if (ClustersPerSweep > 0)
        {
            double whole = Math.Floor(ClustersPerSweep);
            int count = (int)whole + (random.NextDouble() < ClustersPerSweep - whole ? 1 : 0);
            for (int c = 0; c < count; c++) flipped += grower.GrowAndFlip(ref random);
            return flipped;
        }
        int clusters = 0;
        while (flipped < siteCount)
        {
            flipped += grower.GrowAndFlip(ref random);
            clusters++;
        }
        if (++_sweeps > CalibrationSweeps / 2)
        {
            _clusters += clusters;
            _sites += flipped;
        }
        if (_sweeps == CalibrationSweeps)
            ClustersPerSweep = Math.Clamp((double)siteCount * _clusters / _sites, 1, siteCount);
        return flipped;
    }
}
