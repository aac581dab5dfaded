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
/// the mean cluster size over their second half, &lt;C&gt;; from then on every sweep is a fixed count
/// m = max(1, round(V / &lt;C&gt;)) of clusters, independent of the configuration, so each sweep is a power of the exact
/// single-cluster kernel. A sweep still flips about V sites, keeping tau_int in sweeps comparable with local kernels.
/// </summary>
internal sealed class ClusterSchedule
{
    /// <summary>Sweeps spent calibrating the cluster count (thermalise at least this long).</summary>
    public const int CalibrationSweeps = 100;

    private long _clusters, _sites;
    private int _sweeps;

    /// <summary>Clusters per sweep once calibrated; 0 while calibrating.</summary>
    public int ClustersPerSweep { get; private set; }

    /// <summary>One sweep of <paramref name="grower"/>'s clusters for a lattice of <paramref name="siteCount"/> sites; returns the sites flipped.</summary>
    public long Sweep<TGrower>(int siteCount, ref TGrower grower, ref RandomStream random) where TGrower : struct, IClusterGrower
    {
        long flipped = 0;
        if (ClustersPerSweep > 0)
        {
            for (int c = 0; c < ClustersPerSweep; c++) flipped += grower.GrowAndFlip(ref random);
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
            ClustersPerSweep = (int)Math.Clamp(Math.Round((double)siteCount * _clusters / _sites), 1, siteCount);
        return flipped;
    }
}
