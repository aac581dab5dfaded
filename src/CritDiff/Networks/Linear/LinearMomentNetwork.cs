using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// A linear score network for one time slice: its parameter layout, its DSM loss and exact gradient
/// given <see cref="LossMoments"/>, its distance to the exact score, and its action on a real-space
/// field. Instances keep scratch buffers, so use one per thread.
/// </summary>
public abstract class LinearMomentNetwork
{
    /// <summary>Sets the common properties.</summary>
    protected LinearMomentNetwork(Lattice lattice, Architecture architecture, ParameterBasis basis)
    {
        Lattice = lattice;
        Architecture = architecture;
        Basis = basis;
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>The architecture.</summary>
    public Architecture Architecture { get; }

    /// <summary>The parameter basis of full layers.</summary>
    public ParameterBasis Basis { get; }

    /// <summary>Stored reals per layer.</summary>
    public abstract IReadOnlyList<int> LayerLengths { get; }

    /// <summary>Zero parameters in this network's layout.</summary>
    public NetworkParameters CreateParameters() => new(LayerLengths);

    /// <summary>The DSM loss per site for the given moments.</summary>
    public abstract double Loss(NetworkParameters parameters, LossMoments moments);

    /// <summary>The loss and its exact gradient with respect to every stored parameter (written to <paramref name="gradient"/>).</summary>
    public abstract double LossAndGradient(NetworkParameters parameters, LossMoments moments, NetworkParameters gradient);

    /// <summary>
    /// Score error against the exact score at noised spectrum S: (1/V) E||s(x_t) - s*(x_t)||^2
    /// = population loss minus its exact minimum, computed without cancellation.
    /// </summary>
    public abstract double ScoreError(NetworkParameters parameters, double[] noisedSpectrum);

    /// <summary>
    /// <see cref="Loss"/> and <see cref="ScoreError"/> at the same parameters, the same numbers as the two calls; a
    /// network may share their work (the trainer records both at every step).
    /// </summary>
    public virtual (double Loss, double ScoreError) LossAndScoreError(NetworkParameters parameters, LossMoments moments, double[] noisedSpectrum) =>
        (Loss(parameters, moments), ScoreError(parameters, noisedSpectrum));

    /// <summary>
    /// Balanced start with product -scale for every mode: one layer K = -scale delta; D layers
    /// K_j = c delta (j &lt; D) and K_D = -c delta with c^D = scale (docs/science.md section 5).
    /// </summary>
    public abstract void InitializeBalanced(NetworkParameters parameters, double scale);

    /// <summary>Applies the score to one real-space field: <paramref name="score"/> = s(<paramref name="field"/>).</summary>
    public abstract void Apply(NetworkParameters parameters, ReadOnlySpan<double> field, Span<double> score);

    /// <summary>Exact minimum of the population loss over all linear maps: (1/V) sum_k (1/b^2 - 1/S(k)).</summary>
    public static double ExactOptimumLoss(ReadOnlySpan<double> noisedSpectrum, double noiseVariance)
    {
        double sum = 0;
        foreach (double s in noisedSpectrum) sum += 1 / noiseVariance - 1 / s;
        return sum / noisedSpectrum.Length;
    }

    /// <summary>The network for an architecture: <see cref="DenseNetwork"/> or <see cref="LinearConvolutionNetwork"/>.</summary>
    public static LinearMomentNetwork Create(Lattice lattice, Architecture architecture, ParameterBasis basis = ParameterBasis.Kernel)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate(lattice);
        if (architecture.IsDense)
        {
            if (basis == ParameterBasis.Fourier)
                throw new ArgumentException("the Fourier basis applies to full convolution layers only", nameof(basis));
            return new DenseNetwork(lattice, architecture);
        }
        if (basis == ParameterBasis.Fourier && !architecture.IsFullRange)
            throw new ArgumentException("the Fourier basis applies to full convolution layers only", nameof(basis));
        return new LinearConvolutionNetwork(lattice, architecture, basis);
    }

    /// <summary>Throws unless the parameters have this network's layout.</summary>
    protected void CheckLayout(NetworkParameters parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters, name);
        var lengths = LayerLengths;
        if (parameters.Layers.Length != lengths.Count ||
            parameters.Layers.Where((l, j) => l.Length != lengths[j]).Any())
            throw new ArgumentException("parameters do not match this network's layout", name);
    }
}
