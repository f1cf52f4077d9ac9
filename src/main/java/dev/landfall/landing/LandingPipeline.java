package dev.landfall.landing;

/** Placeholder so the skeleton builds; replaced by the landing pipeline. */
public final class LandingPipeline {
  private LandingPipeline() {}

  public static void main(String[] args) {}
}
