namespace CritDiff.Training;

/// <summary>
/// A fixed training set of <see cref="Count"/> one-component real-space configurations stored back to
/// back (Count x V, C order), e.g. Monte Carlo output. Data with n components per configuration (NumPy
/// [N, n, L, ..., L], component-major) are the same flat array read as N n one-component fields
/// (<see cref="FromComponents"/>): one-component field j = c n + a is component a of configuration c.
/// Training on them is training a linear translation-invariant score that acts identically on every
/// component, s_a = K * x_a; a linear map that commutes with lattice translations and with every O(n)
/// rotation of the components is exactly such a map (Schur: it is the identity on component space
/// times a convolution), and its DSM loss is the mean of the per-component losses, so the
/// O(n)-equivariant linear network is this per-component map.
/// </summary>
/// <param name="Configurations">Count x V values.</param>
/// <param name="Count">Number of one-component configurations.</param>
public sealed record TrainingData(double[] Configurations, int Count)
{
    /// <summary>Field components n per original configuration (1 unless built by <see cref="FromComponents"/>).</summary>
    public int Components { get; init; } = 1;

    /// <summary>Original n-component configurations N = Count / n (their measured spectrum's sample count).</summary>
    public int ConfigurationCount => Count / Components;

    /// <summary>
    /// N n one-component configurations from an [N, n, L, ..., L] array of <paramref name="count"/>
    /// configurations of <paramref name="components"/> components each (no copy: the C-order layout is already
    /// component a of configuration c at one-component index c n + a).
    /// </summary>
    public static TrainingData FromComponents(double[] values, int count, int components)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "need at least 1 configuration");
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be >= 1");
        long fields = (long)count * components;
        if (fields > int.MaxValue || values.Length % fields != 0)
            throw new ArgumentException($"{values.Length} values are not {count} x {components} fields of equal size", nameof(values));
        return new TrainingData(values, (int)fields) { Components = components };
    }

    /// <summary>One-component configuration <paramref name="index"/> (V = <paramref name="siteCount"/> values).</summary>
    public ReadOnlySpan<double> Configuration(int index, int siteCount)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in 0..{Count - 1}");
        return Configurations.AsSpan((int)((long)index * siteCount), siteCount);
    }
}
