namespace CritDiff.Fields;

/// <summary>
/// Observables of one configuration of an n-component field (docs/science.md section 10), as measured by
/// <see cref="ModelObservables.Measure"/>. With M = (1/V) sum_x s_x the magnetisation vector (n components):
/// </summary>
/// <param name="MagnetisationNorm">|M| = sqrt(sum_a M_a^2).</param>
/// <param name="MagnetisationSquared">|M|^2.</param>
/// <param name="MagnetisationFourth">|M|^4.</param>
/// <param name="Order">The coordinate a magnetisation histogram uses: M itself (signed) for n = 1, |M| for n &gt; 1.</param>
/// <param name="Energy">Energy per bond and component e = (1/(d V n)) sum_x sum_mu s_x . s_{x + e_mu}; its mean is
/// G(e_1), comparable with <see cref="GaussianField.Energy"/> (-1 for an Ising checkerboard, +1 all up).</param>
/// <param name="FirstModePower">|phi~(k1)|^2 per component, averaged over the d lowest modes k1 = (2 pi / L) e_mu:
/// P1 = (1/(d n)) sum_mu sum_a |phi~_a((2 pi / L) e_mu)|^2; its mean is G(k1) for xi2.</param>
public readonly record struct ConfigurationObservables(double MagnetisationNorm, double MagnetisationSquared,
    double MagnetisationFourth, double Order, double Energy, double FirstModePower);
