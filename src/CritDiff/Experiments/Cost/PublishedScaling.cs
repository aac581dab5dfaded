namespace CritDiff.Experiments;

/// <summary>A statement of a published study that the cost report compares with, its source and whether it was checked.</summary>
/// <param name="Short">A short citation, e.g. "Del Debbio et al. 2021".</param>
/// <param name="Reference">Authors, title, journal.</param>
/// <param name="ArXiv">arXiv identifier.</param>
/// <param name="Statement">What is taken from it, in words and numbers.</param>
/// <param name="Source">Where the statement was read (a page address), or why it could not be.</param>
/// <param name="Verified">True when the statement was read in the paper's own text (abstract or body) at <paramref name="Source"/>;
/// false when it could not be checked ("not verified": the report says so and uses no number from it).</param>
public sealed record PublishedScaling(string Short, string Reference, string ArXiv, string Statement, string Source, bool Verified);
