using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Generation;

/// <summary>Builds a <see cref="ScoreSchedule"/> from trained convolution networks, one parameter set per slice.</summary>
public static class TrainedScore
{
    /// <summary>
    /// The slices' multipliers m(k) = prod_j m_j(k). Dense networks are refused: their generated law is not
    /// diagonal in Fourier space, which the exact law and the Fourier-space sampler rely on.
    /// </summary>
    public static ScoreSchedule FromParameters(Lattice lattice, Architecture architecture, ParameterBasis basis,
        IReadOnlyList<double> times, IReadOnlyList<NetworkParameters> parameters, bool interpolate)
    {
        if (architecture.IsDense)
            throw new ArgumentException("generation needs a translation-invariant (convolution) score; the dense architecture is not supported", nameof(architecture));
        var network = (LinearConvolutionNetwork)LinearMomentNetwork.Create(lattice, architecture, basis);
        var multipliers = parameters.Select(p => network.Multiplier(p)).ToArray();
        return ScoreSchedule.Sliced(times, multipliers, interpolate);
    }
}
