"""The hidden checks: one pytest module per grade cell, named for its grade_id."""
