"""targeting"""
