namespace CritDiff.Experiments;

/// <summary>
/// The published scaling of normalizing-flow samplers for 2D phi^4 near criticality that the cost report compares with, in one
/// place. Only what could be read in the papers' own text is marked verified. For issue 23 the papers' abstracts were read
/// (2105.12481 through its arXiv listing mirrors; 2211.07541 on ar5iv and in EPJ A); no quantitative exponent or cost figure of
/// either paper could be read, so none is used as a number: the entries that would need one say "not verified".
/// </summary>
public static class CostLiterature
{
    /// <summary>Del Debbio, Marsh Rossney and Wilson, Phys. Rev. D 104, 094507 (2021).</summary>
    public static PublishedScaling DelDebbio2021 { get; } = new("Del Debbio et al. 2021 (Phys. Rev. D 104, 094507)",
        "L. Del Debbio, J. Marsh Rossney, M. Wilson, \"Efficient modeling of trivializing maps for lattice phi^4 theory using normalizing flows: " +
        "a first look at scalability\", Phys. Rev. D 104, 094507 (2021)", "2105.12481",
        "2D phi^4 with normalizing flows (affine coupling layers after Albergo et al.); sampling efficiency is dictated almost entirely by " +
        "how extensively a model has been trained, and is unresponsive to further increases of model flexibility (PRD abstract); in the " +
        "companion scaling study of 2D phi^4 on lattices of up to 20^2 sites, training costs grow very quickly (proceedings abstract)",
        "the PRD abstract at https://www.emergentmind.com/papers/2105.12481 (read up to \"However, ...\"); the abstract of the companion " +
        "proceedings arXiv:2112.15532 (same authors) at https://catalyzex.com/author/Joe%20Marsh%20Rossney. That the growth is towards the " +
        "critical point is said only by a third-party summary (arxivlens.com) and is not counted as read", true);

    /// <summary>The growth law of the training cost of <see cref="DelDebbio2021"/> as a number (not verified).</summary>
    public static PublishedScaling DelDebbio2021Exponent { get; } = new(DelDebbio2021.Short,
        DelDebbio2021.Reference, "2105.12481",
        "a fitted growth law (exponent of training cost in L or xi) of the flow's training cost",
        "not verified: the paper's figures and fits could not be read here; no number is taken", false);

    /// <summary>Abbott et al., Eur. Phys. J. A 59, 257 (2023).</summary>
    public static PublishedScaling Abbott2023 { get; } = new("Abbott et al. 2023 (Eur. Phys. J. A 59, 257)",
        "R. Abbott, M. S. Albergo, A. Botev, D. Boyda, K. Cranmer, D. C. Hackett, A. G. D. G. Matthews, S. Racaniere, A. Razavi, " +
        "D. J. Rezende, F. Romero-Lopez, P. E. Shanahan, J. M. Urban, \"Aspects of scaling and scalability for flow-based sampling of " +
        "lattice QCD\", Eur. Phys. J. A 59, 257 (2023)", "2211.07541",
        "simple cost scaling laws have limited utility for flow-based samplers: they are a broad family of algorithms with different " +
        "scaling properties, and their scalability must be assessed experimentally",
        "abstract, https://ar5iv.labs.arxiv.org/html/2211.07541 and https://link.springer.com/article/10.1140/epja/s10050-023-01154-w", true);

    /// <summary>A volume or critical-scaling exponent of flow cost from <see cref="Abbott2023"/> as a number (not verified).</summary>
    public static PublishedScaling Abbott2023Exponent { get; } = new(Abbott2023.Short,
        Abbott2023.Reference, "2211.07541",
        "a quantitative cost exponent of flow-based sampling against volume or correlation length",
        "not verified: no such number could be read here; none is taken", false);

    /// <summary>Every entry, in report order.</summary>
    public static IReadOnlyList<PublishedScaling> All { get; } = [DelDebbio2021, DelDebbio2021Exponent, Abbott2023, Abbott2023Exponent];
}
