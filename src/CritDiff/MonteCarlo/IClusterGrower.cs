using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// One single-cluster update (<see cref="IsingCluster"/>, <see cref="EmbeddedCluster"/>): grows one cluster from a
/// uniformly random seed, flips it and returns its size. A struct constraint lets <see cref="ClusterSchedule"/> call it
/// without a virtual call.
/// </summary>
internal interface IClusterGrower
{
    int GrowAndFlip(ref RandomStream random);
}
