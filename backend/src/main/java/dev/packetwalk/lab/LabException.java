package dev.packetwalk.lab;

/**
 * The lab could not build or drive the kernel datapath (a command failed, a tool
 * misbehaved).
 */
public class LabException extends RuntimeException {

	public LabException(String message) {
		super(message);
	}

	public LabException(String message, Throwable cause) {
		super(message, cause);
	}

}
