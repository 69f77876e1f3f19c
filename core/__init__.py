"""Infrastructure every app uses and that uses no app: the job retry policy, log scrubbing, safe file
storage (docs/style.md "Layers")."""
