using CritDiff.Diffusion;
using CritDiff.Generation;

namespace CritDiff.Tests.Diffusion;

public class ReverseGridTests
{
    private static readonly GeometricVarianceExploding Ve = new(0.01, 100);

    [Fact]
    public void GeometricVeIsScoreSdesVesde()
    {
        // sigma(t) = sigma_min (sigma_max/sigma_min)^t: sigma(0) = sigma_min, sigma(1) = sigma_max; g^2 = d b^2/dt by a central
        // difference; f = 0, a = 1; the inverse of sigma; the name reads back to the same process.
        Assert.Equal(0.01, Math.Sqrt(Ve.NoiseVariance(0)), 1e-15);
        Assert.Equal(100, Math.Sqrt(Ve.NoiseVariance(1)), 1e-12);
        foreach (double t in new[] { 0.01, 0.3, 0.9 })
        {
            double e = 1e-6, derivative = (Ve.NoiseVariance(t + e) - Ve.NoiseVariance(t - e)) / (2 * e);
            Assert.Equal(derivative, Ve.DiffusionSquared(t), 1e-7 * derivative);
            Assert.Equal(t, Ve.TimeAtNoiseToSignal(Ve.NoiseToSignal(t)), 1e-14);
        }
        Assert.Equal(Ve, ForwardProcess.Parse(Ve.Name));
        Assert.Equal(1, Ve.AutoFinalTime(1e6, 1e-3));
        var vp = new VariancePreserving();
        Assert.Equal(0.7, vp.TimeAtNoiseToSignal(vp.NoiseToSignal(0.7)), 1e-14);
        Assert.Equal(0.7, new VarianceExploding().TimeAtNoiseToSignal(new VarianceExploding().NoiseToSignal(0.7)), 1e-14);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeometricVarianceExploding(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeometricVarianceExploding(0, 1));
        Assert.Throws<ArgumentException>(() => ForwardProcess.Parse("ve-geometric"));
    }

    [Theory]
    [InlineData("vp")]
    [InlineData("ve")]
    [InlineData("ve-geometric:0.01:100")]
    public void GridTimesAreWhatTheFormulasSay(string schedule)
    {
        var process = ForwardProcess.Parse(schedule);
        double finalTime = schedule == "ve" ? 50 : 1, minTime = 1e-3;
        const int k = 20;
        var uniform = new GenerationSettings(Samplers.Heun, k, finalTime, minTime, process, ReverseGrid.Uniform);
        var old = new GenerationSettings(Samplers.Heun, k, finalTime, minTime);
        for (int i = 0; i <= k; i++) Assert.Equal(old.TimeAt(i), uniform.TimeAt(i)); // bit for bit the pre-grid times
        for (int i = 0; i < k; i++) Assert.Equal((finalTime - minTime) / k, uniform.StepSizeAt(i));

        var log = new GenerationSettings(Samplers.Heun, k, finalTime, minTime, process, ReverseGrid.Log);
        Assert.Equal(finalTime, log.TimeAt(0));
        Assert.Equal(minTime, log.TimeAt(k));
        double ratio = process.NoiseToSignal(minTime) / process.NoiseToSignal(finalTime);
        for (int i = 0; i < k; i++)
        {
            Assert.Equal(Math.Pow(ratio, 1.0 / k), process.NoiseToSignal(log.TimeAt(i + 1)) / process.NoiseToSignal(log.TimeAt(i)), 1e-12);
            Assert.Equal(log.TimeAt(i) - log.TimeAt(i + 1), log.StepSizeAt(i), 1e-15);
        }

        var karras = new GenerationSettings(Samplers.Heun, k, finalTime, minTime, process, ReverseGrid.Karras());
        Assert.Equal(finalTime, karras.TimeAt(0));
        Assert.Equal(minTime, karras.TimeAt(k));
        double top = process.NoiseToSignal(finalTime), bottom = process.NoiseToSignal(minTime);
        foreach (int i in new[] { 1, 7, k - 1 })
        {
            double sigma = Math.Pow(Math.Pow(top, 1 / 7.0) + (double)i / k * (Math.Pow(bottom, 1 / 7.0) - Math.Pow(top, 1 / 7.0)), 7);
            Assert.Equal(sigma, process.NoiseToSignal(karras.TimeAt(i)), 1e-11 * sigma);
        }
        Assert.Equal(process.DefaultGrid, schedule.StartsWith("ve", StringComparison.Ordinal) ? ReverseGrid.Log : ReverseGrid.Uniform);
    }

    [Fact]
    public void GridNamesReadBack()
    {
        Assert.Equal(ReverseGrid.Karras(3.5), ReverseGrid.Parse(ReverseGrid.Karras(3.5).Name));
        Assert.Equal(7, ReverseGrid.Parse("karras").Rho);
        Assert.Same(ReverseGrid.Log, ReverseGrid.Parse("LOG"));
        Assert.Throws<ArgumentException>(() => ReverseGrid.Parse("karras:0"));
        Assert.Throws<ArgumentException>(() => ReverseGrid.Parse("cosine"));
    }

    [Fact]
    public void DataScaleWarningFiresOnUniformVeAndNotOnTheLogGrid()
    {
        // chi = 5000 (the critical case, T = 1000 chi = 5e6, K = 200): the b^2 = t VE on uniform steps of 2.5e4 jumps
        // from b^2 = 2.5e4 to 1e-3 in its last step; ve-geometric with sigma_max^2 = chi V (V = 1024) on the log grid has no
        // step wider than a factor 1.2 in b^2, and the b^2 = t VE on the log grid neither.
        const double chi = 5000;
        var old = new VarianceExploding();
        var uniform = new GenerationSettings(Samplers.EulerMaruyama, 200, old.AutoFinalTime(chi, 1e-3), 1e-3, old, ReverseGrid.Uniform);
        Assert.Equal(199, uniform.StepAcrossDataScale(old, chi));
        Assert.Contains("across the data's largest variance", uniform.DataScaleWarning(old, chi));
        Assert.Null(new GenerationSettings(Samplers.EulerMaruyama, 200, old.AutoFinalTime(chi, 1e-3), 1e-3, old, ReverseGrid.Log).StepAcrossDataScale(old, chi));
        // The log grid is ve's default: --t-max auto never puts the data scale inside one step.
        Assert.Equal(ReverseGrid.Log, new GenerationSettings(Samplers.EulerMaruyama, 200, old.AutoFinalTime(chi, 1e-3), 1e-3, old).Grid);
        var ve = new GeometricVarianceExploding(0.01, Math.Sqrt(chi * 1024));
        var log = new GenerationSettings(Samplers.EulerMaruyama, 200, 1, 1e-3, ve);
        Assert.Equal(ReverseGrid.Log, log.Grid);
        Assert.Null(log.StepAcrossDataScale(ve, chi));
        Assert.Null(log.DataScaleWarning(ve, chi));
        // --t-max auto for ve-geometric never puts the data scale in one step on the log grid while K >= ln(sigma_max/sigma_min)/ln(sqrt 2).
        Assert.Null(new GenerationSettings(Samplers.EulerMaruyama, 40, 1, 1e-3, ve).StepAcrossDataScale(ve, chi));
    }
}
