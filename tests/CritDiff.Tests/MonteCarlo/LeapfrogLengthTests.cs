using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>HMC trajectories have the requested length tau whatever step size the tuner settles on.</summary>
public class LeapfrogLengthTests
{
    /// <summary>
    /// Tuned step sizes on both sides of tau/(n + 1/2), where round(tau/eps) used to flip between n and n + 1 from chain
    /// to chain (trajectories of length 0.8 tau or 1.2 tau): now n = ceil(tau/eps) and the step is tau/n.
    /// </summary>
    [Theory]
    [InlineData(1.0, 0.39)]
    [InlineData(1.0, 0.41)]
    [InlineData(1.0, 0.5)]
    [InlineData(1.0, 0.66)]
    [InlineData(1.0, 0.68)]
    [InlineData(2.5, 1.3)]
    [InlineData(0.3, 1.0)]
    public void TrajectoryLengthIsTauForAnyTunedStep(double tau, double tuned)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        var kernels = new[] { new HybridMonteCarlo(field, fourierAccelerated: true, tau), new HybridMonteCarlo(field, fourierAccelerated: false, tau) };
        foreach (var kernel in kernels)
        {
            int n = kernel.LeapfrogSteps(tuned);
            double step = kernel.LeapfrogStep(tuned);
            Assert.Equal(tau, n * step, Tolerances.ClosedForm);
            Assert.True(step <= tuned * (1 + 1e-12), $"step {step} above the tuned {tuned}: stability not kept");
            Assert.Equal((int)Math.Ceiling(tau / tuned), n);
        }
    }

    [Fact]
    public void StepsStayTheSameOnEitherSideOfTheOldRoundingPoint()
    {
        var kernel = new HybridMonteCarlo(GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25), fourierAccelerated: true, 1.0);
        // tau/eps = 2.44 and 2.56 rounded to 2 and 3; both now take 3 steps of 1/3.
        Assert.Equal(kernel.LeapfrogSteps(1 / 2.44), kernel.LeapfrogSteps(1 / 2.56));
    }
}
