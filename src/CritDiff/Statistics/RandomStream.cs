using System.Numerics;

namespace CritDiff.Statistics;

/// <summary>
/// A reproducible random stream keyed by (seed, stream index): xoshiro256** seeded through
/// SplitMix64 from both keys, so that parallel work takes one stream per work item and the result
/// never depends on thread count or scheduling. Math.NET's generators take only 32-bit seeds, which
/// cannot key (seed, index) pairs without collisions; hence this small type.
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

    /// <summary>Next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Two independent standard normal variates (Marsaglia's polar method).</summary>
    public (double First, double Second) NextGaussianPair()
    {
        while (true)
        {
            double u = 2 * NextDouble() - 1;
            double v = 2 * NextDouble() - 1;
            double s = u * u + v * v;
            if (s >= 1 || s == 0) continue;
            double factor = Math.Sqrt(-2 * Math.Log(s) / s);
            return (u * factor, v * factor);
        }
    }

    /// <summary>One standard normal variate (the partner of the pair is discarded).</summary>
    public double NextGaussian() => NextGaussianPair().First;

    /// <summary>Fills <paramref name="destination"/> with independent standard normal variates.</summary>
    public void FillGaussian(Span<double> destination)
    {
        int i = 0;
        for (; i + 1 < destination.Length; i += 2)
            (destination[i], destination[i + 1]) = NextGaussianPair();
        if (i < destination.Length) destination[i] = NextGaussian();
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
