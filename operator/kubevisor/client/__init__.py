"""In-pod helper that hands each new datafile to a callback."""
