using CritDiff.Fields;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Heat bath (Gibbs sampling) on a checkerboard: each site is redrawn from its exact conditional law
/// given its 2d neighbours. From S, the terms holding phi(x) are (beta/2)[(2d + mu2) phi(x)^2 - 2 phi(x) h(x)],
/// so phi(x) | rest ~ N( h(x) / (2d + mu2), 1 / (beta (2d + mu2)) ), h the neighbour sum (docs/science.md
/// section 8). Rejection-free; one sweep = V updates; needs even L. The normals for a sweep are drawn in
/// one SIMD block (<see cref="Statistics.RandomStream.FillGaussian"/>), indexed by site.
/// </summary>
public sealed class HeatBath : ModelKernel
{
    private readonly double _meanFactor, _sigma;

    /// <summary>Heat bath for <paramref name="field"/>; throws for odd L.</summary>
    public HeatBath(GaussianField field) : base(field)
    {
        Field = field;
        Stencil.RequireEvenLength(field.Lattice, "heatbath");
        double diagonal = 2 * field.Lattice.Dimension + field.MassSquared;
        _meanFactor = 1 / diagonal;
        _sigma = 1 / Math.Sqrt(field.Beta * diagonal);
    }

    /// <summary>The target field.</summary>
    public GaussianField Field { get; }

    /// <inheritdoc />
    public override string Name => "heatbath";

    /// <inheritdoc />
    protected override double SweepCore(ModelChain chain)
    {
        var noise = chain.Scratch(0);
        chain.Random.FillGaussian(noise);
        var rule = new Rule(noise, _meanFactor, _sigma);
        Stencil.Checkerboard(Field.Lattice, chain.Configuration, chain.Scratch(1), ref rule);
        chain.SiteUpdates += Field.Lattice.SiteCount;
        return 1;
    }

    private readonly struct Rule(double[] noise, double meanFactor, double sigma) : ISiteRule
    {
        public double Update(int site, double phi, double neighbourSum) => neighbourSum * meanFactor + sigma * noise[site];
    }
}
