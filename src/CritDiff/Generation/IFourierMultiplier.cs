using System.Numerics;

namespace CritDiff.Generation;

/// <summary>
/// The capability of a linear, translation-invariant score s~(k, t) = m(k, t) y~(k): its Fourier multiplier, the same for
/// every component. A score that offers it has an exact generated law, diagonal in Fourier space, for every sampler
/// (<see cref="ReverseProcess"/>: each step maps y~ -> gain y~ + sqrt(noise) xi per mode); a score without it is sampled
/// in real space only (<see cref="RealSpaceSampler"/>).
/// </summary>
public interface IFourierMultiplier
{
    /// <summary>Number of modes V.</summary>
    int ModeCount { get; }

    /// <summary>Writes m(k, t) for every mode (V values).</summary>
    void Multiplier(double t, Span<Complex> multiplier);
}
