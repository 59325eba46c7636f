"""Monte Carlo model of municipal police liability: claims → payouts → budgets, premiums
and coverage → reform and leadership change (issue 15; docs/simulation.md)."""
