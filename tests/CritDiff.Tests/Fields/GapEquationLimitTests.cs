using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Tests.Fields;

/// <summary>The gap equation far from the critical region, against its asymptotic forms.</summary>
public class GapEquationLimitTests
{
    /// <summary>
    /// Small beta, large mu2: beta = (1/mu2)(1 - m1/mu2 + m2/mu2^2 - ...) with m1 = mean khat2 = 2d, so
    /// mu2 = 1/beta - 2d + O(beta); at beta = 1e-6 the O(beta) term is ~1e-5 absolute (1e-11 relative).
    /// </summary>
    [Theory]
    [InlineData(2, 8, 1e-300)]
    [InlineData(2, 8, 1e-20)]
    [InlineData(3, 6, 1e-6)]
    public void SmallBetaGivesMassOneOverBetaMinusTwoD(int d, int l, double beta)
    {
        var lattice = new Lattice(d, l);
        double mu2 = GapEquation.SolveMassSquared(lattice, beta);
        Assert.Equal(1 / beta - 2 * d, mu2, 1e-11 * mu2);
        Assert.Equal(1.0, GapEquation.Beta(lattice, mu2) / beta, Tolerances.ClosedForm);
    }

    /// <summary>Large mu2 given: beta = 1/mu2 - 2d/mu2^2 + O(mu2^-3).</summary>
    [Theory]
    [InlineData(1e20)]
    [InlineData(1e200)]
    public void LargeMassGivesBetaOneOverMass(double mu2) =>
        Assert.Equal(1 / mu2 - 4 / (mu2 * mu2), GapEquation.Beta(new Lattice(2, 8), mu2), Tolerances.ClosedForm / mu2);

    /// <summary>Large beta: the zero mode takes the constraint, mu2 -> 1/(V beta) on a finite lattice; the round trip holds.</summary>
    [Theory]
    [InlineData(1e6)]
    [InlineData(1e100)]
    public void LargeBetaRoundTrips(double beta)
    {
        var lattice = new Lattice(2, 8);
        double mu2 = GapEquation.SolveMassSquared(lattice, beta);
        Assert.Equal(1.0, GapEquation.Beta(lattice, mu2) / beta, Tolerances.ClosedForm);
        Assert.Equal(1.0, mu2 * lattice.SiteCount * beta, 1e-4); // corrections O(1/(beta)) relative
    }
}
