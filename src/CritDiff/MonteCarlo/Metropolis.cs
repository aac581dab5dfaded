using CritDiff.Fields;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Single-site Metropolis on a checkerboard: phi'(x) = phi(x) + delta u, u uniform in [-1, 1), accepted
/// with probability min(1, exp(-Delta S)), Delta S = beta [ (2d + mu2)(phi'^2 - phi^2)/2 - h (phi' - phi) ].
/// One sweep = V proposals; the half-width delta (the chain's step size) is tuned during thermalisation to
/// the target acceptance (default 0.5). Needs even L.
/// </summary>
public sealed class Metropolis : ModelKernel
{
    private readonly double _targetAcceptance;

    /// <summary>Metropolis for <paramref name="field"/> with the given target acceptance in (0, 1).</summary>
    public Metropolis(GaussianField field, double targetAcceptance = 0.5) : base(field)
    {
        Stencil.RequireEvenLength(field.Lattice, "metropolis");
        Field = field;
        if (!(targetAcceptance is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(targetAcceptance), targetAcceptance, "target acceptance must be in (0, 1)");
        _targetAcceptance = targetAcceptance;
    }

    /// <summary>The target field.</summary>
    public GaussianField Field { get; }

    /// <inheritdoc />
    public override string Name => "metropolis";

    /// <summary>Twice the conditional standard deviation 1/sqrt(beta (2d + mu2)).</summary>
    public override double DefaultStepSize => 2 / Math.Sqrt(Field.Beta * (2 * Field.Lattice.Dimension + Field.MassSquared));

    /// <inheritdoc />
    public override double? TargetAcceptance => _targetAcceptance;

    /// <inheritdoc />
    protected override double SweepCore(ModelChain chain)
    {
        var rule = new Rule
        {
            Random = chain.Random,
            Delta = chain.StepSize,
            Beta = Field.Beta,
            Diagonal = 2 * Field.Lattice.Dimension + Field.MassSquared,
        };
        Stencil.Checkerboard(Field.Lattice, chain.Configuration, chain.Scratch(1), ref rule);
        chain.Random = rule.Random;
        chain.SiteUpdates += Field.Lattice.SiteCount;
        return rule.AcceptanceSum / Field.Lattice.SiteCount;
    }

    private struct Rule : ISiteRule
    {
        public RandomStream Random;
        public double Delta, Beta, Diagonal, AcceptanceSum;

        public double Update(int site, double phi, double neighbourSum)
        {
            double proposal = phi + Delta * (2 * Random.NextDouble() - 1);
            double deltaS = Beta * ((proposal * proposal - phi * phi) * Diagonal / 2 - neighbourSum * (proposal - phi));
            double probability = deltaS <= 0 ? 1 : Math.Exp(-deltaS);
            AcceptanceSum += probability;
            return deltaS <= 0 || Random.NextDouble() < probability ? proposal : phi;
        }
    }
}
