using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>
/// A score network conditioned on the noise level (docs/science.md section 11): one parameter set for every diffusion time.
/// Each configuration of a batch carries its own conditioning value c (log sigma(t) of its noise level, embedded by the
/// network as Gaussian Fourier features or sinusoids that shift and scale each block's channels). The network computes
/// net(x, c); the score is net(c_in x, c) / b(t) (score_sde's output scaling, Karras et al.'s input scaling c_in = 1/sqrt(a^2 + b^2)), applied by the caller (Generation.ConditionedScore,
/// Training). Used per slice (the <see cref="ScoreModel"/> API) it is evaluated at c = 0 for every configuration.
/// An instance caches its last forward pass and keeps scratch buffers: use one per thread (<see cref="ScoreModel.Replica"/>).
/// Results never depend on the number of threads a call uses.
/// </summary>
public abstract class TimeConditionedModel : ScoreModel
{
    private double[] _zeros = [];

    /// <summary>Sets the common properties.</summary>
    protected TimeConditionedModel(Lattice lattice, int components, string name) : base(lattice, components, name)
    {
    }

    /// <inheritdoc />
    public sealed override bool IsLinear => false;

    /// <summary>
    /// net(x_i, c_i) of <paramref name="count"/> configurations (<paramref name="x"/>: count x n V values,
    /// <paramref name="condition"/>: count values) into <paramref name="output"/> (count x n V). Caches what
    /// <see cref="ScoreModel.Backward"/> needs (the parameter gradient of sum_i upstream_i . net(x_i, c_i)).
    /// </summary>
    public abstract void Forward(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition, int count,
        Span<double> output);

    /// <summary>
    /// The Jacobian-vector product (d net(x_i, c_i) / d x) v_i of each configuration (forward mode;
    /// <paramref name="tangent"/> and <paramref name="product"/>: count x n V values). Does not disturb the cache of
    /// <see cref="Forward(NetworkParameters, ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double})"/>.
    /// </summary>
    public abstract void JacobianVectorProduct(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition,
        ReadOnlySpan<double> tangent, int count, Span<double> product);

    /// <summary>Per-slice use: net(x, 0).</summary>
    public sealed override void Forward(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> score) =>
        Forward(parameters, x, Zeros(count), count, score);

    /// <inheritdoc />
    public override bool HasJacobianVectorProduct => true;

    /// <summary>Per-slice use: the Jacobian-vector product at c = 0.</summary>
    public sealed override void JacobianVectorProduct(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent,
        int count, Span<double> product) =>
        JacobianVectorProduct(parameters, x, Zeros(count), tangent, count, product);

    /// <summary>Per-slice use: the exact Jacobian diagonal at c = 0, from one product per site and component.</summary>
    public override void JacobianDiagonal(NetworkParameters parameters, ReadOnlySpan<double> x, int count, Span<double> diagonal) =>
        JacobianDiagonal(parameters, x, Zeros(count), count, diagonal);

    /// <summary>
    /// The exact Jacobian diagonal d net_j(x_i, c_i) / d x_j of every value (count x n V): n V Jacobian-vector products per
    /// configuration (a network of global receptive field has no cheaper exact diagonal). Overridable where one exists.
    /// </summary>
    public virtual void JacobianDiagonal(NetworkParameters parameters, ReadOnlySpan<double> x, ReadOnlySpan<double> condition, int count,
        Span<double> diagonal)
    {
        CheckBatch(x.Length, count, "x");
        CheckBatch(diagonal.Length, count, "diagonal");
        int width = ConfigurationLength;
        var tangent = new double[width];
        var product = new double[width];
        for (int i = 0; i < count; i++)
        {
            var xi = x.Slice(i * width, width);
            var ci = condition.Slice(i, 1);
            for (int j = 0; j < width; j++)
            {
                tangent[j] = 1;
                JacobianVectorProduct(parameters, xi, ci, tangent, 1, product);
                diagonal[i * width + j] = product[j];
                tangent[j] = 0;
            }
        }
    }

    private ReadOnlySpan<double> Zeros(int count)
    {
        if (_zeros.Length < count) _zeros = new double[count];
        return _zeros.AsSpan(0, count);
    }
}
