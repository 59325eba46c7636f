"""The publishers' own warning, carried into every output of the payouts layer.

Source: README of fivethirtyeight/police-settlements ("Words of caution"), copied to
data/settlements/README.source.md. Kept verbatim in spirit and short enough to print.
"""

CAVEAT = (
    "Settlement figures are what each city reported to FiveThirtyEight / The Marshall Project "
    "(or what the imported file says). Cities collect, store and categorise settlements "
    "differently, so the figures are NOT comparable across cities, and only with extreme "
    "caution across years within one city (the publishers' README, fivethirtyeight/"
    "police-settlements on GitHub, 'Words of caution'). Payments split into installments can "
    "appear as several rows."
)
