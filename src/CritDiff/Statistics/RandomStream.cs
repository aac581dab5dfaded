using System.Numerics;
using System.Runtime.CompilerServices;

namespace CritDiff.Statistics;

/// <summary>
/// A reproducible random stream keyed by (seed, stream index): xoshiro256** seeded through
/// SplitMix64 from both keys, so that parallel work takes one stream per work item and the result
/// never depends on thread count or scheduling. Math.NET's generators take only 32-bit seeds, which
/// cannot key (seed, index) pairs without collisions; hence this small type.
/// Normals come from a 256-layer ziggurat (<see cref="Ziggurat"/>): exact in law, about one 64-bit
/// draw per variate and no logarithm on 99% of draws.
/// A mutable struct: pass it by reference.
/// </summary>
public struct RandomStream
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public RandomStream(ulong seed, ulong stream)
    {
        ulong state = seed * 0x9E3779B97F4A7C15UL ^ SplitMix(ref stream) ^ 0xD1B54A32D192ED03UL;
        _s0 = SplitMix(ref state);
        _s1 = SplitMix(ref state);
        _s2 = SplitMix(ref state);
        _s3 = SplitMix(ref state);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    /// <summary>The four state words (to snapshot a run and continue it later with <see cref="FromState"/>).</summary>
    internal readonly ulong[] State() => [_s0, _s1, _s2, _s3];

    /// <summary>A stream continuing from four state words taken by <see cref="State"/>.</summary>
    internal static RandomStream FromState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 4 || (state[0] | state[1] | state[2] | state[3]) == 0)
            throw new ArgumentException("a random stream state is four words, not all zero", nameof(state));
        var stream = default(RandomStream);
        stream._s0 = state[0];
        stream._s1 = state[1];
        stream._s2 = state[2];
        stream._s3 = state[3];
        return stream;
    }

    /// <summary>Next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64() => Step(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>One standard normal variate.</summary>
    public double NextGaussian() => Ziggurat.Sample(ref this);

    /// <summary>Two independent standard normal variates (two consecutive <see cref="NextGaussian"/> draws).</summary>
    public (double First, double Second) NextGaussianPair()
    {
        double first = NextGaussian();
        return (first, NextGaussian());
    }

    /// <summary>A Gamma(<paramref name="shape"/>, 1) variate, shape &gt;= 0 (Marsaglia-Tsang; see <see cref="GammaVariates"/>).</summary>
    public double NextGamma(double shape)
    {
        if (!(shape >= 0) || double.IsInfinity(shape))
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "gamma shape must be >= 0 and finite");
        return GammaVariates.Sample(ref this, shape);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with independent standard normal variates: eight xoshiro256++
    /// lanes seeded from one draw of this stream feed the ziggurat in SIMD (<see cref="GaussianBlocks"/>).
    /// Deterministic in this stream's state and the same on every machine, but not the same numbers as
    /// calling <see cref="NextGaussian"/> repeatedly.
    /// </summary>
    public void FillGaussian(Span<double> destination) => GaussianBlocks.Fill(ref this, destination);

    /// <summary>One xoshiro256** step on the given state words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Step(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        Advance(ref s0, ref s1, ref s2, ref s3);
        return result;
    }

    /// <summary>The xoshiro256 state transition (shared by the ** output here and the ++ output of <see cref="GaussianBlocks"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Advance(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
    }

    /// <summary>SplitMix64: seeds the xoshiro states from one 64-bit value.</summary>
    internal static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
