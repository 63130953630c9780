//! Golden vectors and runners for LXT 1 (work in progress: see issue 3).
