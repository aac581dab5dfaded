using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// A fixed data set of N configurations (N x n V values, component-major, e.g. Monte Carlo output), drawn uniformly
/// with replacement: each draw takes index floor(u N) with u uniform in [0, 1) from 53 random bits (bias below N 2^-53).
/// </summary>
public sealed class DataSetSource : SampleSource
{
    private readonly double[] _configurations;

    /// <summary>A source over <paramref name="count"/> configurations of <paramref name="components"/> components (not copied).</summary>
    public DataSetSource(Lattice lattice, int components, double[] configurations, int count) : base(lattice, components)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "the data set needs at least one configuration");
        if (configurations.Length != (long)count * ConfigurationLength)
            throw new ArgumentException($"expected {count} x {ConfigurationLength} values for n = {components} on {lattice}, got {configurations.Length}", nameof(configurations));
        _configurations = configurations;
        Count = count;
    }

    /// <summary>Number of configurations N.</summary>
    public int Count { get; }

    /// <summary>The N x n V values the source draws from (read-only view, not a copy).</summary>
    public ReadOnlyMemory<double> Configurations => _configurations;

    /// <inheritdoc />
    protected override void DrawCore(Span<double> x0, int count, ref RandomStream rng)
    {
        int length = ConfigurationLength;
        for (int b = 0; b < count; b++)
        {
            int index = (int)(rng.NextDouble() * Count);
            _configurations.AsSpan(index * length, length).CopyTo(x0.Slice(b * length, length));
        }
    }

    /// <inheritdoc />
    public override string Describe() => $"data set: {Count} configurations, n = {Components}, {Lattice}, uniform with replacement";
}
