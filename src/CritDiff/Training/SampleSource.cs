using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Where training configurations x_0 come from for denoising score matching on samples (docs/science.md sections 4 and 10):
/// a fixed data set (<see cref="DataSetSource"/>), exact Gaussian fields (<see cref="GaussianSource"/>) or a Markov chain
/// (<see cref="MarkovChainSource"/>). Configurations are component-major, n V values each (component a at site x is
/// element a V + x). Stateless sources draw only from the stream they are given and may be shared between threads; a
/// stateful one (a chain) gives each consumer its own copy through <see cref="Fork"/>.
/// </summary>
public abstract class SampleSource
{
    /// <summary>Sets the common properties.</summary>
    protected SampleSource(Lattice lattice, int components)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be >= 1");
        Lattice = lattice;
        Components = components;
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>Field components n per configuration.</summary>
    public int Components { get; }

    /// <summary>Length n V of one configuration.</summary>
    public int ConfigurationLength => Components * Lattice.SiteCount;

    /// <summary>
    /// Writes <paramref name="count"/> configurations (count x n V values) into <paramref name="x0"/>, drawing from
    /// <paramref name="rng"/> (a chain source advances its own chain instead).
    /// </summary>
    public void Draw(Span<double> x0, int count, ref RandomStream rng)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "draw at least one configuration");
        if (x0.Length != (long)count * ConfigurationLength)
            throw new ArgumentException($"expected {count} x {ConfigurationLength} values, got {x0.Length}", nameof(x0));
        DrawCore(x0, count, ref rng);
    }

    /// <summary>The work of <see cref="Draw"/>, lengths checked.</summary>
    protected abstract void DrawCore(Span<double> x0, int count, ref RandomStream rng);

    /// <summary>One line naming the source and its settings (for results and logs).</summary>
    public abstract string Describe();

    /// <summary>
    /// A source for an independent consumer numbered <paramref name="stream"/> (a time slice, a reference run): this
    /// instance for stateless sources, whose draws depend only on the stream passed to <see cref="Draw"/>; a fresh chain
    /// keyed by the stream for a Markov chain. Makes results independent of the order consumers run in.
    /// </summary>
    public virtual SampleSource Fork(ulong stream) => this;

    /// <summary>True when draws depend only on the stream passed to <see cref="Draw"/> (a run using it can be snapshot and resumed).</summary>
    public virtual bool IsStateless => true;
}
