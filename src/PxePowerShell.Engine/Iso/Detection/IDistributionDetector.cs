namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>Recognises one family of images by the files it holds and proposes boot entries for it.</summary>
internal interface IDistributionDetector
{
    /// <summary>The result for <paramref name="image"/> served at <paramref name="mountPoint"/>, or null when it is not this family.</summary>
    DetectionResult? Detect(IsoImage image, string mountPoint);
}
