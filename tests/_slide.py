"""The numbers on lecture 3's "Interactive Web Demo" slide, which the classifier demo must reproduce."""

# The slide "Interactive Web Demo" (lecture 3), row by row: x[0], x[1], y, s[0], s[1], s[2], L.
SLIDE_ROWS = [
    ["0.50", "0.40", "0", "1.95", "-0.10", "0.60", "0.00"],
    ["0.80", "0.30", "0", "2.44", "0.90", "1.60", "0.16"],
    ["0.30", "0.80", "0", "2.29", "-2.10", "-0.40", "0.00"],
    ["-0.40", "0.30", "1", "-0.32", "-1.50", "-2.00", "2.68"],
    ["-0.30", "0.70", "1", "0.71", "-2.90", "-2.10", "6.41"],
    ["-0.70", "0.20", "1", "-1.21", "-1.70", "-2.80", "1.49"],
    ["0.70", "-0.40", "2", "0.81", "3.50", "2.00", "2.50"],
    ["0.50", "-0.60", "2", "-0.05", "3.90", "1.60", "3.30"],
    ["-0.40", "-0.50", "2", "-1.92", "1.70", "-1.20", "4.18"],
]
SLIDE_SUMMARY = ["Total data loss: 2.30", "Regularization loss: 3.93", "Total loss: 6.23"]
# The slide's gradients next to W and b: b's are the exact ones; W's are dW_data + (lambda/2) W (see the module).
SLIDE_DB = [0.33, -0.22, -0.11]
SLIDE_DW = [[-0.17, 0.14], [0.42, -0.61], [0.12, 0.32]]
