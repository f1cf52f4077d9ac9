package dev.landfall.erasure;

/** An erasure that could not be done; the message says what and why. */
public final class ErasureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ErasureException(String message) {
    super(message);
  }

  public ErasureException(String message, Throwable cause) {
    super(message, cause);
  }
}
